package dev.camelbitrix24.component.simulated;

import java.util.Set;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.simulator.FaultSpec;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each system error of PROTOCOL §3.2 reaches the component over HTTP and gives its type; the retriable ones are sent
 * again, the others exactly once (the simulator's call counter shows which).
 */
class SystemErrorsOnSimulatorTest extends SimulatorTestSupport {

    @Test
    void aWrongWebhookCodeIsAnAuthenticationFailure() {
        String wrong = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.baseUrl() + "/rest/1/notTheC0de/)";

        Bitrix24Exception error = errorOf(delete(wrong, 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(error.getHttpResponseCode()).isEqualTo(401);
        assertThat(control.callCount(METHOD)).isEqualTo(1);
    }

    @Test
    void aWebhookWithoutTheCrmScopeIsInsufficientScope() {
        control.addWebhook(1, "userOnlyC0de", Set.of("user"));
        String userOnly = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.baseUrl() + "/rest/1/userOnlyC0de/)";

        Bitrix24Exception error = errorOf(delete(userOnly, 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.INSUFFICIENT_SCOPE);
        assertThat(error.getErrorCode()).isEqualTo("insufficient_scope");
        assertThat(error.getHttpResponseCode()).isEqualTo(403);
        assertThat(control.activityExists(5)).isTrue();
    }

    @Test
    void anUnknownAccessTokenThatCannotBeRefreshedIsAnAuthenticationFailure() {
        String unknown = "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl()
                         + "&accessToken=RAW(n0tIssuedT0ken)&oauthTokenUrl=" + sim.oauthTokenUrl();

        Bitrix24Exception error = errorOf(delete(unknown, 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("invalid_token");
        assertThat(control.tokenRefreshCount()).isZero();
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {3}, sent {4} time(s)")
    @CsvSource(delimiter = '|', value = {
            "401 | NO_AUTH_FOUND           | Wrong authorization data                    | AUTHENTICATION_FAILED | 1",
            "403 | INVALID_CREDENTIALS     | Invalid request credentials                 | AUTHENTICATION_FAILED | 1",
            "403 | user_access_error       | The user does not have access to the app    | ACCESS_DENIED         | 1",
            "403 | ACCESS_DENIED           | REST is available only on commercial plans  | ACCESS_DENIED         | 1",
            "403 | WRONG_AUTH_TYPE         | Current authorization type is denied        | REFUSED               | 1",
            "400 | INVALID_REQUEST         | Https required.                             | REFUSED               | 1",
            "404 | ERROR_METHOD_NOT_FOUND  | Method not found!                           | REFUSED               | 1",
            "403 | PORTAL_DELETED          | Portal was deleted                          | REFUSED               | 1",
            "402 | PAYMENT_REQUIRED        | Payment required                            | REFUSED               | 1",
            "400 | ERROR_CORE              | Core error                                  | REFUSED               | 1",
            "409 | SOMETHING_UNDOCUMENTED  | Conflict                                    | REFUSED               | 1",
            "503 | OVERLOAD_LIMIT          | REST API is blocked due to overload         | OVERLOADED            | 1",
            "500 | INTERNAL_SERVER_ERROR   | Internal server error                       | SERVER_ERROR          | 3",
            "500 | ERROR_UNEXPECTED_ANSWER | Server returned an unexpected response      | SERVER_ERROR          | 3",
            "500 | ERROR_CORE              | SQL error                                   | SERVER_ERROR          | 3",
            "500 | PORTAL_DELETED          | Portal was deleted                          | REFUSED               | 1",
            "504 | SOMETHING_UNDOCUMENTED  | Gateway timeout                             | SERVER_ERROR          | 3",
            "503 | QUERY_LIMIT_EXCEEDED    | Too many requests                           | RATE_LIMITED          | 3" })
    void everySystemErrorGivesItsType(int status, String code, String description, Bitrix24ErrorType expected,
                                      int sends) {
        control.injectFault(FaultSpec.status(status, "{\"error\":\"" + code + "\",\"error_description\":\""
                                                     + description + "\"}").onMethod(METHOD));

        Exchange exchange = delete(webhookUri("maxAttempts=3&rateLimitWait=10"), 5L);

        Bitrix24Exception error = errorOf(exchange);
        assertThat(error.getType()).isEqualTo(expected);
        assertThat(error.getErrorCode()).isEqualTo(code);
        assertThat(error.getErrorDescription()).isEqualTo(description);
        assertThat(error.getHttpResponseCode()).isEqualTo(status);
        assertThat(error.getAttempts()).isEqualTo(sends);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo(expected.name());
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ERROR_CODE)).isEqualTo(code);
        assertThat(control.callCount(METHOD)).isEqualTo(sends);
        assertThat(control.activityExists(5)).isTrue();
    }

    @Test
    void theNginxBadGatewayPageIsAServerErrorWithoutAParserException() {
        control.injectFault(FaultSpec.badGatewayHtml().onMethod(METHOD));

        Bitrix24Exception error = errorOf(delete(webhookUri("maxAttempts=2"), 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getErrorCode()).isNull();
        assertThat(error.getErrorDescription()).contains("HTTP 502").contains("text/html");
        assertThat(error.getAttempts()).isEqualTo(2);
    }

    @Test
    void aPlainTextAnswerIsAServerError() {
        control.injectFault(FaultSpec.status(500, "upstream timed out").contentType("text/plain").onMethod(METHOD));

        Bitrix24Exception error = errorOf(delete(webhookUri("maxAttempts=1"), 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getErrorDescription()).contains("text/plain");
    }
}
