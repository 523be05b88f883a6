package dev.camelbitrix24.component.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bitrix24:crm.activity.list} against the simulator: keyset pages of a filter, one per exchange, with the
 * cursor in and out of headers; a filter refused before anything is sent; the same transport, retries and portal
 * waits as deletes; the same request bucket as the deletes of the portal.
 */
class ListByFilterOnSimulatorTest extends SimulatorTestSupport {

    private String listUri(String options) {
        return webhookUri(options).replace("bitrix24:crm.activity.delete", "bitrix24:crm.activity.list");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> ids(Exchange page) {
        return page.getMessage().getBody(List.class);
    }

    @Test
    void pagesThroughWhatAFilterSelectsWithTheCursorFromHeaders() {
        long first = control.addActivities(ActivitySpec.plain().owner(3, 42), 130);
        control.addActivities(ActivitySpec.plain().owner(3, 43), 5);
        String uri = listUri("ratePlan=off");
        List<Long> all = new ArrayList<>();
        long after = 0;
        int pages = 0;
        while (true) {
            Exchange page = camel.send(uri, Map.of("OWNER_TYPE_ID", 3, "OWNER_ID", 42),
                    Map.of(Bitrix24Constants.LIST_AFTER_ID, after));
            assertThat(page.getException()).isNull();
            pages++;
            assertThat(page.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("LISTED");
            all.addAll(ids(page));
            after = page.getMessage().getHeader(Bitrix24Constants.LIST_AFTER_ID_NEXT, Long.class);
            if (!page.getMessage().getHeader(Bitrix24Constants.LIST_MORE, Boolean.class)) {
                break;
            }
        }
        // 50 + 50 + 30: the short page says it is the last, no empty page is fetched
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(130).startsWith(first).endsWith(first + 129).doesNotHaveDuplicates();
        assertThat(control.callCount("crm.activity.list")).isEqualTo(3);
        // an empty page keeps the cursor where it was
        Exchange empty = camel.send(uri, "{\"OWNER_ID\":999}", Map.of(Bitrix24Constants.LIST_AFTER_ID, 77L));
        assertThat(ids(empty)).isEmpty();
        assertThat(empty.getMessage().getHeader(Bitrix24Constants.LIST_AFTER_ID_NEXT)).isEqualTo(77L);
        assertThat(empty.getMessage().getHeader(Bitrix24Constants.LIST_MORE)).isEqualTo(false);
    }

    @Test
    void theAdocsRouteDeletesEveryActivityOfAContactAndNothingElse() throws Exception {
        long first = control.addActivities(ActivitySpec.plain().owner(3, 42), 120);
        long other = control.addActivity(ActivitySpec.plain().owner(3, 43));
        String list = listUri("ratePlan=off");
        String delete = webhookUri("ratePlan=off");
        camel.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the example of bitrix24-component.adoc, "Listing by filter", with the test's endpoint options
                from("direct:erase-contact")
                    .setBody(constant(Map.of("OWNER_TYPE_ID", 3, "OWNER_ID", 42)))
                    .setHeader(Bitrix24Constants.LIST_AFTER_ID, constant(0L))
                    .loopDoWhile(header(Bitrix24Constants.LIST_MORE).isNotEqualTo(false))
                        .to(list)
                        .setHeader(Bitrix24Constants.LIST_AFTER_ID, header(Bitrix24Constants.LIST_AFTER_ID_NEXT))
                        .split(body()).to(delete).end()
                        .setBody(constant(Map.of("OWNER_TYPE_ID", 3, "OWNER_ID", 42)))
                    .end();
            }
        });
        Exchange done = camel.send("direct:erase-contact", null);
        assertThat(done.getException()).isNull();
        for (long id = first; id < first + 120; id++) {
            assertThat(control.activityExists(id)).as("activity " + id).isFalse();
        }
        assertThat(control.activityExists(other)).isTrue();
        assertThat(control.activityExists(1)).isTrue();
        // 50 + 50 + 20: three pages, the short one the last
        assertThat(control.callCount("crm.activity.list")).isEqualTo(3);
    }

    @Test
    void aFilterThatIsEmptyOrUnknownIsRefusedAndNothingIsSent() {
        String uri = listUri("ratePlan=off");
        for (Object body : List.of("{}", "{\"TITLE\":\"x\"}", "{\"%OWNER_ID\":1}", 42L)) {
            Exchange refused = camel.send(uri, body);
            Bitrix24Exception error = errorOf(refused);
            assertThat(error).as(String.valueOf(body)).isNotNull();
            assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
            assertThat(refused.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("INVALID_REQUEST");
            assertThat(refused.getMessage().getHeader(Bitrix24Constants.ERROR_DESCRIPTION, String.class)).isNotBlank();
        }
        Exchange badCursor = camel.send(uri, "{\"OWNER_ID\":1}", Map.of(Bitrix24Constants.LIST_AFTER_ID, "-3"));
        assertThat(errorOf(badCursor).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(control.callCount("crm.activity.list")).isZero();
    }

    @Test
    void aFailedListIsRetriedOnTheSamePathAsDeletes() {
        control.injectFault(FaultSpec.badGatewayHtml().onMethod("crm.activity.list").times(2));
        Exchange page = camel.send(listUri("ratePlan=off"), "{\"<=ID\":3}");
        assertThat(page.getException()).isNull();
        assertThat(ids(page)).containsExactly(1L, 2L, 3L);
        assertThat(page.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(3);

        // Bitrix24's own refusal is final, typed like a delete's
        control.setCrmAccess(1, false);
        Exchange denied = camel.send(listUri("ratePlan=off"), "{\"<=ID\":3}");
        assertThat(errorOf(denied).getType()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
    }

    @Test
    void aSpentListWindowIsAPortalWaitAndDeletesStillGo() {
        control.setOperatingTimeLimit(OperatingTimeLimit.DEFAULT.withLimit(Duration.ofMillis(300))
                .withBucketLength(Duration.ofSeconds(1)).withProcessingTimePerCall(Duration.ofMillis(100)));
        String uri = listUri("ratePlan=off&retryBudget=500");
        Exchange page = null;
        for (int i = 0; i < 6; i++) {
            page = camel.send(uri, "{\"OWNER_ID\":1}");
            if (page.getException() != null) {
                break;
            }
        }
        Bitrix24RetryLaterException later = page.getException(Bitrix24RetryLaterException.class);
        assertThat(later).as("the portal waits; the filter has not failed").isNotNull();
        assertThat(later.getPortalWait().reason()).isEqualTo(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT);
        assertThat(later.getPortalWait().description()).contains("crm.activity.list");
        assertThat(page.getMessage().getHeader(Bitrix24Constants.PORTAL_WAIT)).isEqualTo("OPERATING_TIME_LIMIT");
        // the window is the list method's: a delete through the same component goes
        Exchange delete = camel.send(webhookUri("ratePlan=off&retryBudget=500"), 5L);
        assertThat(delete.getException()).isNull();
    }

    @Test
    void listsAndDeletesOfOnePortalShareItsRequestBucket() {
        // a bucket of 4 draining 1 per second, kept by the client; the simulator refuses past it
        control.setRatePlan(RatePlan.custom(4, 1));
        String plan = "ratePlan=4/1";
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(camel.send(listUri(plan), "{\"<=ID\":3}").getException()).isNull();
            assertThat(camel.send(webhookUri(plan), (long) (i + 1)).getException()).isNull();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // 6 requests through a bucket of 4 at 1/s: at least 2 s of waiting; none refused
        assertThat(seconds).isGreaterThan(1.5);
        assertThat(control.rateLimitRejections()).isZero();
    }
}
