package dev.camelbitrix24.component.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client-side leaky bucket: plan sizes, waits, and the JS SDK's adaptation to 503s. */
class RequestPacerTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theStandardPlanLetsTheWholeBurstOf50ThenTwoPerSecond() {
        RequestPacer pacer = RequestPacer.forPlan("standard", 0);
        for (int i = 0; i < 50; i++) {
            assertThat(pacer.reserve(0)).as("request %d", i).isZero();
        }
        assertThat(pacer.reserve(0)).isEqualTo(500);
        assertThat(pacer.reserve(SECOND / 2)).isZero();
        assertThat(pacer.reserve(SECOND / 2)).isEqualTo(500);
    }

    @Test
    void slowRoundTripsKeepAMarginForRequestsStillOnTheirWay() {
        RequestPacer pacer = RequestPacer.forPlan("standard", 0);
        for (int i = 0; i < 50; i++) {
            assertThat(pacer.reserve(0)).isZero();
        }
        // a reply 600 ms after its request went out: a request on its way may reach the portal up to 1.2 drains late
        pacer.onAccepted(600_000_000L);
        assertThat(pacer.reserve(SECOND / 2)).as("the bucket must drain to 47.8 first").isBetween(600L, 601L);
        assertThat(pacer.reserve(1_100_000_000L)).isZero();
        // a local portal answers in milliseconds: a tenth of a request of margin, and never more than two
        RequestPacer fast = RequestPacer.forPlan("standard", 0);
        fast.onAccepted(5_000_000L);
        for (int i = 0; i < 49; i++) {
            assertThat(fast.reserve(0)).isZero();
        }
        assertThat(fast.reserve(0)).as("the 50th waits for a tenth of a drain").isBetween(50L, 51L);
        RequestPacer slow = RequestPacer.forPlan("standard", 0);
        slow.onAccepted(10 * SECOND);
        for (int i = 0; i < 48; i++) {
            assertThat(slow.reserve(0)).isZero();
        }
        assertThat(slow.reserve(0)).isEqualTo(500);
    }

    @Test
    void plansAreReadByNameOrFigures() {
        assertThat(RequestPacer.forPlan("enterprise", 0).currentBurst()).isEqualTo(250);
        assertThat(RequestPacer.forPlan("2/1", 0).currentBurst()).isEqualTo(2);
        assertThat(RequestPacer.forPlan("enterprise", 0).currentRate()).isEqualTo(5);
        assertThat(RequestPacer.forPlan("10/0.5", 0).currentRate()).isEqualTo(0.5);
        assertThat(RequestPacer.forPlan("off", 0)).isNull();
        assertThatThrownBy(() -> RequestPacer.forPlan("fast", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestPacer.forPlan("0/2", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a503FillsTheBucketAndFiveInAMinuteSlowItDownUntilSuccessesBringItBack() {
        RequestPacer pacer = RequestPacer.forPlan("standard", 0);
        assertThat(pacer.reserve(0)).isZero();
        pacer.onRateLimited(0);
        assertThat(pacer.reserve(0)).as("nothing goes out until the bucket drains").isEqualTo(500);
        for (int i = 1; i < 5; i++) {
            pacer.onRateLimited(i * SECOND);
        }
        assertThat(pacer.currentRate()).isEqualTo(1.6);
        assertThat(pacer.currentBurst()).isCloseTo(40, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 19; i++) {
            pacer.onAccepted(0);
        }
        assertThat(pacer.currentRate()).isEqualTo(1.6);
        pacer.onAccepted(0);
        assertThat(pacer.currentRate()).isCloseTo(1.76, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 200; i++) {
            pacer.onAccepted(0);
        }
        assertThat(pacer.currentRate()).as("never above the plan").isEqualTo(2);
        assertThat(pacer.currentBurst()).isEqualTo(50);
    }

    @Test
    void batchCommandsCarryTheIdAsOneEncodedParameter() {
        assertThat(BatchCall.command(5)).isEqualTo("crm.activity.delete?id=5");
        assertThatThrownBy(() -> BatchCall.command(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PendingDelete(-7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShareOfThePlanIsThePlansBurstAndRateTimesTheShare() {
        RequestPacer pacer = RequestPacer.forPlan("standard", 0);
        pacer.share(0.5, 0);
        for (int i = 0; i < 25; i++) {
            assertThat(pacer.reserve(0)).as("request %d of the half burst", i).isZero();
        }
        assertThat(pacer.reserve(0)).as("then one a second").isEqualTo(1000);
        assertThat(pacer.currentRate()).isEqualTo(1);
        // the other instance left: the whole plan again, and what is in the bucket still counts
        pacer.share(1, 0);
        assertThat(pacer.currentBurst()).isEqualTo(50);
        for (int i = 0; i < 25; i++) {
            assertThat(pacer.reserve(0)).as("request %d of the rest of the burst", i).isZero();
        }
        assertThat(pacer.reserve(0)).isEqualTo(500);
        // a third of the plan, after 503s slowed it down: the slow-down is kept in proportion
        RequestPacer slowed = RequestPacer.forPlan("standard", 0);
        for (int i = 0; i < 5; i++) {
            slowed.onRateLimited(i);
        }
        assertThat(slowed.currentRate()).isCloseTo(1.6, org.assertj.core.data.Offset.offset(1e-9));
        slowed.share(1.0 / 3, 10);
        assertThat(slowed.currentRate()).isCloseTo(1.6 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(slowed.currentBurst()).isCloseTo(40.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        // a share too small for one request of burst still sends one at a time
        RequestPacer tiny = RequestPacer.forPlan("2/1", 0);
        tiny.share(0.1, 0);
        assertThat(tiny.currentBurst()).isEqualTo(1);
        assertThat(tiny.reserve(0)).isZero();
        assertThat(tiny.reserve(0)).isEqualTo(10_000);
        assertThatThrownBy(() -> tiny.share(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
