package dev.camelbitrix24.component.simulated;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.FaultSpec;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer health check against the simulator: UP while the webhook is accepted, DOWN with the reason (and without
 * the webhook code) once the portal refuses it, and never more than one {@code profile} call per interval however often
 * it is asked.
 */
class HealthCheckOnSimulatorTest extends SimulatorTestSupport {

    private static final String EXTRA_CODE = "h3althW3bh00kC0de";
    private static final String CHECK_ID_PREFIX = "producer:bitrix24-127.0.0.1-";

    @Test
    void manyProbesWithinTheIntervalCostOneProfileCall() {
        CamelContext context = startedEndpoint(webhookUri(""));

        for (int i = 0; i < 10; i++) {
            HealthCheck.Result result = check(context);
            assertThat(result.getState()).as(result.getMessage().orElse("")).isEqualTo(HealthCheck.State.UP);
        }

        assertThat(control.callCount("profile")).isEqualTo(1);
        assertThat(control.callCount(METHOD)).isZero();
    }

    @Test
    void downWithTheReasonOnceTheWebhookIsRefused() throws Exception {
        control.addWebhook(1, EXTRA_CODE, Set.of("crm", "user"));
        String webhook = sim.baseUrl() + "/rest/1/" + EXTRA_CODE + "/";
        CamelContext context = startedEndpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + webhook
                                               + ")&healthCheckInterval=300");
        assertThat(check(context).getState()).isEqualTo(HealthCheck.State.UP);

        control.reset(); // drops the extra webhook: the portal now refuses its code
        assertThat(check(context).getState()).as("cached until the interval is over").isEqualTo(HealthCheck.State.UP);
        Thread.sleep(400);
        HealthCheck.Result result = check(context);

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString()
                .contains("AUTHENTICATION_FAILED").contains("INVALID_CREDENTIALS").doesNotContain(EXTRA_CODE);
        assertThat(result.getDetails()).containsEntry("bitrix24.error.type", "AUTHENTICATION_FAILED")
                .containsEntry(HealthCheck.HTTP_RESPONSE_CODE, 401);
        assertThat(result.getDetails().toString()).doesNotContain(EXTRA_CODE);
        assertThat(HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(context), true)).isFalse();
        assertThat(control.callCount("profile")).isEqualTo(1); // counters were reset with the portal
    }

    @Test
    void aSlowNewCallReportsThePreviousAnswer() throws Exception {
        CamelContext context = startedEndpoint(webhookUri("healthCheckInterval=200"));
        HealthCheck.Result first = check(context);
        assertThat(first.getState()).isEqualTo(HealthCheck.State.UP);
        control.injectFault(FaultSpec.delay(Duration.ofSeconds(7)).onMethod("profile"));
        Thread.sleep(300);

        HealthCheck.Result whileWaiting = check(context);

        assertThat(whileWaiting.getState()).as("the previous answer, not a flap to DOWN").isEqualTo(HealthCheck.State.UP);
        assertThat(whileWaiting.getDetails().get("bitrix24.checked.at")).isEqualTo(first.getDetails().get("bitrix24.checked.at"));
        assertThat(control.callCount("profile")).isEqualTo(2);
    }

    @Test
    void downWhenThePortalDoesNotAnswer() {
        CamelContext context = startedEndpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://127.0.0.1:9/rest/1/"
                                               + EXTRA_CODE + "/)&connectTimeout=500");

        HealthCheck.Result result = check(context);

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString().startsWith("TRANSPORT_ERROR").doesNotContain(EXTRA_CODE);
    }

    @Test
    void twoEndpointsOnOnePortalHaveTwoChecks() {
        control.addWebhook(1, EXTRA_CODE, Set.of("crm", "user"));
        CamelContext context = startedEndpoint(webhookUri(""));
        startedEndpoint(webhookUri("batching=true"));
        startedEndpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.baseUrl() + "/rest/1/" + EXTRA_CODE
                        + "/)&initialBackoff=20&rateLimitWait=100");

        List<String> ids = checkIds(context);

        assertThat(ids).hasSize(3).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("producer:bitrix24-127\\.0\\.0\\.1-webhook1-[0-9a-f]{8}(-2)?"))
                .noneMatch(id -> id.contains(EXTRA_CODE) || id.contains(WEBHOOK_CODE));
        // the third differs from the first only in its webhook code, which the id is not derived from
        String second = ids.stream().filter(id -> id.endsWith("-2")).findFirst().orElseThrow();
        assertThat(ids).contains(second.substring(0, second.length() - "-2".length()));
    }

    @Test
    void endpointsStartedWhileProducerChecksAreOffGetUniqueIdsToo() {
        control.addWebhook(1, EXTRA_CODE, Set.of("crm", "user"));
        CamelContext context = camel.context();
        HealthCheckRepository producers = HealthCheckHelper.getHealthCheckRepository(context, "producers");
        producers.setEnabled(false); // the repository shows no check now
        ServiceHelper.startService(context.getEndpoint(webhookUri("")));
        ServiceHelper.startService(context.getEndpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.baseUrl()
                                                       + "/rest/1/" + EXTRA_CODE + "/)&initialBackoff=20&rateLimitWait=100"));
        producers.setEnabled(true);

        assertThat(checkIds(context)).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void theIdIsDerivedFromNoSecret() {
        control.addWebhook(1, EXTRA_CODE, Set.of("crm", "user"));
        String id = checkIds(startedEndpoint(webhookUri("maxAttempts=3"))).get(0);
        camel.close();
        camel = new CamelHarness();

        String withOtherCode = checkIds(startedEndpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.baseUrl()
                                                        + "/rest/1/" + EXTRA_CODE + "/)&initialBackoff=20&rateLimitWait=100"
                                                        + "&maxAttempts=3")).get(0);

        assertThat(withOtherCode).as("the same endpoint with another webhook code").isEqualTo(id);
    }

    /** The ids of the bitrix24 checks ("full": all of them, not one per state). */
    private static List<String> checkIds(CamelContext context) {
        return HealthCheckHelper.invoke(context, check -> Map.of(), check -> false, "full").stream()
                .map(r -> r.getCheck().getId()).filter(id -> id.startsWith(CHECK_ID_PREFIX)).toList();
    }

    /** A started endpoint in the harness's context, with Camel's producer health checks switched on. */
    private CamelContext startedEndpoint(String uri) {
        CamelContext context = camel.context();
        HealthCheckRepository producers = HealthCheckHelper.getHealthCheckRepository(context, "producers");
        producers.setEnabled(true);
        Endpoint endpoint = context.getEndpoint(uri);
        ServiceHelper.startService(endpoint);
        return context;
    }

    private static HealthCheck.Result check(CamelContext context) {
        return HealthCheckHelper.invoke(context).stream().filter(r -> r.getCheck().getId().startsWith(CHECK_ID_PREFIX))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check " + CHECK_ID_PREFIX + "* in " + HealthCheckHelper.invoke(context)));
    }
}
