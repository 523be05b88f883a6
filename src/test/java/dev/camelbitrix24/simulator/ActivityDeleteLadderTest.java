package dev.camelbitrix24.simulator;

import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rung of the crm.activity.delete failure ladder (PROTOCOL.md §3.1), in the real server's order. */
class ActivityDeleteLadderTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(50).ratePlan(RatePlan.OFF).build();
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    private SimulatorHttpClient.Reply delete(String query) throws Exception {
        return http.get(sim.webhookUrl() + "crm.activity.delete?" + query);
    }

    private static void assertCrmError(SimulatorHttpClient.Reply reply, String description) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEmpty();
        assertThat(reply.description()).isEqualTo(description);
        assertThat(reply.json().has("time")).isFalse();
    }

    @Test
    void deletesAnExistingActivityAndItIsGoneAfterwards() throws Exception {
        SimulatorHttpClient.Reply reply = delete("id=7");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("result").asBoolean()).isTrue();
        assertThat(sim.control().activityExists(7)).isFalse();
        assertThat(sim.control().activityCount()).isEqualTo(49);
    }

    @Test
    void rung1UserWhoCanReadNothingInCrmIsDeniedEvenBeforeTheIdIsChecked() throws Exception {
        sim.control().setCrmAccess(1, false);
        assertCrmError(delete("id=abc"), "Access denied.");
        assertCrmError(delete("id=7"), "Access denied.");
        assertThat(sim.control().activityExists(7)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {"''", "id=", "id=abc", "id=0", "id=-5", "ID=x&id=7", "foo=7"})
    void rung2MissingOrNonPositiveIdIsInvalid(String query) throws Exception {
        assertCrmError(delete(query), "ID is not defined or invalid.");
        assertThat(sim.control().activityCount()).isEqualTo(50);
    }

    @Test
    void rung2IdIsCastLikePhpIntval() throws Exception {
        assertThat(delete("id=12abc").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(12)).isFalse();
        assertThat(delete("id=%2013").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(13)).isFalse();
        assertThat(delete("id=1.4e1").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(14)).isFalse();
    }

    @Test
    void rung2UpperCaseIdWinsOverLowerCase() throws Exception {
        assertThat(delete("id=20&ID=21").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(21)).isFalse();
        assertThat(sim.control().activityExists(20)).isTrue();
    }

    @Test
    void rung3MissingOrAlreadyDeletedActivityIsNotFound() throws Exception {
        assertCrmError(delete("id=999"), "Activity is not found.");
        assertThat(delete("id=3").status()).isEqualTo(200);
        assertCrmError(delete("id=3"), "Activity is not found.");
    }

    @Test
    void rung3ActivityTheUserMayNotReadIsIndistinguishableFromMissing() throws Exception {
        long id = sim.control().addActivity(ActivitySpec.plain().readableOnlyBy(2).deletableOnlyBy(2));
        assertCrmError(delete("id=" + id), "Activity is not found.");
        assertThat(sim.control().activityExists(id)).isTrue();
    }

    @Test
    void rung4ReadableButNotDeletableIsAccessDenied() throws Exception {
        long id = sim.control().addActivity(ActivitySpec.plain().deletableOnlyBy(2));
        assertCrmError(delete("id=" + id), "Access denied.");
        assertThat(sim.control().activityExists(id)).isTrue();
    }

    @Test
    void rung5ActivityOfARestAppDeletedThroughAWebhookNeedsApplicationContext() throws Exception {
        long id = sim.control().addActivity(ActivitySpec.plain().ownedByApp("app.owner"));
        assertCrmError(delete("id=" + id), "Application context required.");
        assertThat(sim.control().activityExists(id)).isTrue();
    }

    @Test
    void rung4ComesBeforeRung5() throws Exception {
        long id = sim.control().addActivity(ActivitySpec.plain().ownedByApp("app.owner").deletableOnlyBy(2));
        assertCrmError(delete("id=" + id), "Access denied.");
    }

    @Test
    void rung6ActivityOfAnotherRestAppIsAccessDeniedButItsOwnAppMayDeleteIt() throws Exception {
        sim.control().registerOAuthApp("app.owner", "s1");
        sim.control().registerOAuthApp("app.other", "s2");
        long id = sim.control().addActivity(ActivitySpec.plain().ownedByApp("app.owner"));
        TokenPair other = sim.control().issueTokens("app.other", 1);
        TokenPair owner = sim.control().issueTokens("app.owner", 1);

        SimulatorHttpClient.Reply denied = http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=" + id
                + "&auth=" + other.accessToken());
        assertCrmError(denied, "Access denied.");
        assertThat(sim.control().activityExists(id)).isTrue();

        SimulatorHttpClient.Reply deleted = http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=" + id
                + "&auth=" + owner.accessToken());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(id)).isFalse();
    }

    @Test
    void anActivityAddedByAnAppAsRestAppProviderBelongsToThatApp() throws Exception {
        sim.control().registerOAuthApp("app.owner", "s1");
        TokenPair owner = sim.control().issueTokens("app.owner", 1);
        SimulatorHttpClient.Reply added = http.postJson(sim.baseUrl() + "/rest/crm.activity.add?auth=" + owner.accessToken(),
                "{\"fields\":{\"SUBJECT\":\"from app\",\"PROVIDER_ID\":\"REST_APP\",\"OWNER_TYPE_ID\":2,\"OWNER_ID\":1}}");
        long id = added.json().get("result").asLong();
        assertCrmError(delete("id=" + id), "Application context required.");
    }
}
