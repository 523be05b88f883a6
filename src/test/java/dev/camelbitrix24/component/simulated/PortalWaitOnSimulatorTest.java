package dev.camelbitrix24.component.simulated;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What any Camel route sees when the portal makes it wait: a {@link Bitrix24RetryLaterException} with why and until
 * when, the same in headers, one listener event; and a request that says an earlier attempt may have deleted its
 * activity gets a true outcome for {@code Activity is not found.}.
 */
class PortalWaitOnSimulatorTest extends SimulatorTestSupport {

    @Test
    void aSpentOperatingTimeWindowEndsTheCallAsAPortalWaitWithItsEnd() {
        // 0.3 s per 10 s window (ten 1 s buckets), 100 ms per delete: the fourth delete meets the 429
        control.setOperatingTimeLimit(OperatingTimeLimit.DEFAULT.withLimit(Duration.ofMillis(300))
                .withBucketLength(Duration.ofSeconds(1)).withProcessingTimePerCall(Duration.ofMillis(100)));
        List<Bitrix24PortalWait> heard = new CopyOnWriteArrayList<>();
        camel.context().getComponent("bitrix24", Bitrix24Component.class).setCallListener(new Bitrix24CallListener() {
            @Override
            public void onPortalWait(Bitrix24PortalWait wait) {
                heard.add(wait);
            }
        });
        String uri = webhookUri("ratePlan=off&retryBudget=500");
        for (long id = 1; id <= 4; id++) {
            delete(uri, id);
        }
        long before = System.currentTimeMillis();
        Exchange waiting = delete(uri, 5L);

        Bitrix24RetryLaterException later = waiting.getException(Bitrix24RetryLaterException.class);
        assertThat(later).as("the portal waits; the request has not failed").isNotNull();
        assertThat(later.getType()).isEqualTo(Bitrix24ErrorType.OPERATION_TIME_LIMIT);
        assertThat(later.getPortalWait().reason()).isEqualTo(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT);
        assertThat(later.getRetryAt().toEpochMilli()).as("the window frees time within its ten seconds")
                .isGreaterThan(before + 500).isLessThan(before + 13_000);
        assertThat(waiting.getMessage().getHeader(Bitrix24Constants.RETRY_AT)).isEqualTo(later.getRetryAt().toEpochMilli());
        assertThat(waiting.getMessage().getHeader(Bitrix24Constants.PORTAL_WAIT)).isEqualTo("OPERATING_TIME_LIMIT");
        assertThat(control.activityExists(5)).isTrue();
        // sent no more once the limit was learned: one 429, then the guard's own forecast
        Exchange next = delete(uri, 6L);
        assertThat(next.getException(Bitrix24RetryLaterException.class)).isNotNull();
        assertThat(control.operatingLimitRejections()).isEqualTo(1);
        assertThat(heard).as("one event for the wait, not one per call").hasSize(1);
        assertThat(heard.get(0).until()).isEqualTo(later.getRetryAt());
    }

    @Test
    void notFoundAfterAnEarlierAttemptThatMayHaveDeletedIsDeleted() {
        String uri = webhookUri("ratePlan=off");
        Exchange plain = camel.send(uri, 900_001L);
        assertThat(plain.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("NOT_FOUND");
        assertThat(plain.getMessage().getHeader(Bitrix24Constants.MAY_HAVE_DELETED)).isEqualTo(false);

        for (String batching : List.of("false", "true")) {
            Exchange again = camel.send(uri + "&batching=" + batching, 900_002L,
                    Map.of(Bitrix24Constants.MAY_HAVE_DELETED, true));
            assertThat(again.getException()).as("batching=" + batching).isNull();
            assertThat(again.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
            assertThat(again.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        }
    }
}
