package dev.camelbitrix24.component.simulated;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorCategory;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rung of crm.activity.delete's failure ladder (PROTOCOL §3.1), as the simulator plays it over HTTP, gives its
 * type; a real delete gives DELETED.
 */
class DeleteLadderOnSimulatorTest extends SimulatorTestSupport {

    @Test
    void anExistingActivityIsDeleted() {
        Exchange exchange = delete(webhookUri(""), "{\"id\":5,\"requestId\":\"r-5\"}");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.HTTP_STATUS)).isEqualTo(200);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.TIME_OPERATING_RESET_AT, Long.class))
                .isGreaterThan(System.currentTimeMillis() / 1000 - 1);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.TIME_DURATION)).isNotNull();
        assertThat(control.activityExists(5)).isFalse();
        assertThat(control.activityExists(6)).isTrue();
        assertThat(control.callCount(METHOD)).isEqualTo(1);
    }

    @Test
    void rung1CrmAccessDeniedIsAccessDenied() {
        control.setCrmAccess(1, false);

        Bitrix24Exception error = errorOf(delete(webhookUri(""), 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        assertThat(error.getErrorCode()).isEmpty();
        assertThat(error.getErrorDescription()).isEqualTo("Access denied.");
        assertThat(error.getHttpResponseCode()).isEqualTo(400);
        assertThat(control.activityExists(5)).isTrue();
    }

    @Test
    void rung2InvalidIdIsARefusalNotAnInvalidRequest() {
        // the component never sends an invalid id (InvalidIdsOnSimulatorTest); the portal's own reply is replayed
        control.injectFault(FaultSpec.status(400, "{\"error\":\"\",\"error_description\":\"ID is not defined or invalid.\"}")
                .times(1));

        Bitrix24Exception error = errorOf(delete(webhookUri(""), 5L));

        // it was sent: the invalid topic is for requests that never were
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getCategory()).isEqualTo(Bitrix24ErrorCategory.REJECTED);
        assertThat(error.getErrorDescription()).isEqualTo("ID is not defined or invalid.");
        assertThat(error.getAttempts()).isEqualTo(1);
    }

    @Test
    void rung3MissingAlreadyDeletedOrUnreadableIsNotFound() {
        long unreadable = control.addActivity(ActivitySpec.plain().readableOnlyBy(2));

        assertThat(errorOf(delete(webhookUri(""), 999_999L)).getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(delete(webhookUri(""), 7L).getException()).isNull();
        Bitrix24Exception again = errorOf(delete(webhookUri(""), 7L));
        assertThat(again.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(again.getErrorDescription()).isEqualTo("Activity is not found.");
        assertThat(errorOf(delete(webhookUri(""), unreadable)).getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(control.activityExists(unreadable)).isTrue();
    }

    @Test
    void rung4NoDeletePermissionIsAccessDenied() {
        long id = control.addActivity(ActivitySpec.plain().deletableOnlyBy(2));

        Bitrix24Exception error = errorOf(delete(webhookUri(""), id));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        assertThat(control.activityExists(id)).isTrue();
    }

    @Test
    void rung5AnAppsActivityThroughAWebhookNeedsTheApplicationContext() {
        long id = control.addActivity(ActivitySpec.plain().ownedByApp("app.owner"));

        Bitrix24Exception error = errorOf(delete(webhookUri(""), id));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.APPLICATION_CONTEXT_REQUIRED);
        assertThat(error.getErrorDescription()).isEqualTo("Application context required.");
        assertThat(control.activityExists(id)).isTrue();
    }

    @Test
    void rung6AnotherAppsActivityIsAccessDeniedAndItsOwnAppDeletesIt() {
        control.registerOAuthApp("app.owner", "ownerS3cret");
        control.registerOAuthApp("app.other", "otherS3cret");
        long id = control.addActivity(ActivitySpec.plain().ownedByApp("app.owner"));
        TokenPair other = control.issueTokens("app.other", 1);
        TokenPair owner = control.issueTokens("app.owner", 1);

        Bitrix24Exception error = errorOf(delete(oauthUri("app.other", "otherS3cret", other), id));
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        assertThat(control.activityExists(id)).isTrue();

        assertThat(delete(oauthUri("app.owner", "ownerS3cret", owner), id).getException()).isNull();
        assertThat(control.activityExists(id)).isFalse();
    }

    private String oauthUri(String clientId, String clientSecret, TokenPair tokens) {
        return "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=" + clientId + "&clientSecret=RAW("
               + clientSecret + ")&accessToken=RAW(" + tokens.accessToken() + ")&refreshToken=RAW(" + tokens.refreshToken()
               + ")&oauthTokenUrl=" + sim.oauthTokenUrl();
    }
}
