package dev.camelbitrix24.component.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operating-time guard on its own, with figures as a portal reports them: it learns the limit at the first 429,
 * sizes calls to the room left, waits for the window's reset, and fetches fresh figures with one delete after it.
 */
class OperatingTimeGuardTest {

    private static final String METHOD = "crm.activity.delete";
    private static final long NOW = 1_800_000_000_000L;
    private static final long RESET = NOW / 1000 + 100;

    /** A delete charged {@code duration} seconds that left the window at {@code operating}. */
    private static TimeFigures figure(double operating, double duration) {
        return new TimeFigures(operating, RESET, duration);
    }

    @Test
    void learnsTheLimitAtTheFirst429AndStopsShortOfItAfterwards() {
        OperatingTimeGuard guard = new OperatingTimeGuard(0, 0);
        assertThat(guard.fits(METHOD, 50, NOW)).as("no limit known: nothing holds a call back").isEqualTo(50);
        guard.sent(METHOD, 50);
        for (int i = 1; i <= 40; i++) {
            guard.record(METHOD, figure(i * 0.12, 0.12));
        }
        // the 41st command was refused: the portal let 4.68 s through and refused at 4.8 s
        guard.onRefused(METHOD, NOW, 10_000);
        guard.settled(METHOD, 50);
        OperatingTimeGuard.Snapshot learned = guard.snapshot(METHOD);
        assertThat(learned.learned()).isTrue();
        assertThat(learned.limitSeconds()).isCloseTo(4.68, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(guard.pauseMillis(METHOD, NOW)).as("until operating_reset_at plus one second")
                .isEqualTo(RESET * 1000 + 1000 - NOW);
        assertThat(guard.fits(METHOD, 50, NOW)).isZero();
    }

    @Test
    void aRefusalWithNextToNothingUsedTeachesNoLimit() {
        // the method blocked while the window shows 0.3 s used: a limit learned from that would leave no room for good
        OperatingTimeGuard guard = new OperatingTimeGuard(0, 1_000);
        guard.sent(METHOD, 3);
        guard.record(METHOD, figure(0.15, 0.15));
        guard.record(METHOD, figure(0.3, 0.15));
        guard.onRefused(METHOD, NOW, 10_000);
        guard.settled(METHOD, 3);

        assertThat(guard.snapshot(METHOD).learned()).isFalse();
        assertThat(guard.pauseMillis(METHOD, NOW)).as("this window is waited out all the same")
                .isEqualTo(RESET * 1000 + 1000 - NOW);
        long afterReset = RESET * 1000 + 1000;
        assertThat(guard.fits(METHOD, 50, afterReset)).as("and the next one is not held back").isEqualTo(50);
    }

    @Test
    void sizesACallToTheRoomLeftCountingTheDeletesInFlight() {
        OperatingTimeGuard guard = new OperatingTimeGuard(10_000, 0);
        guard.sent(METHOD, 1);
        guard.record(METHOD, figure(7.0, 0.1));
        guard.settled(METHOD, 1);
        assertThat(guard.fits(METHOD, 50, NOW)).as("3 s left at 0.1 s a delete").isEqualTo(30);
        guard.sent(METHOD, 20);
        assertThat(guard.fits(METHOD, 50, NOW)).as("20 of them in flight").isEqualTo(10);
        guard.sent(METHOD, 10);
        assertThat(guard.fits(METHOD, 50, NOW)).isZero();
        assertThat(guard.pauseMillis(METHOD, NOW)).as("their replies say what they really cost: look again soon")
                .isBetween(1L, 100L);
        // they cost less than the average: room again, no wait for the reset
        for (int i = 1; i <= 30; i++) {
            guard.record(METHOD, figure(7.0 + i * 0.05, 0.05));
        }
        guard.settled(METHOD, 30);
        assertThat(guard.pauseMillis(METHOD, NOW)).isZero();
        assertThat(guard.fits(METHOD, 50, NOW)).isPositive();
    }

    @Test
    void afterTheResetOneDeleteFetchesFreshFiguresBeforeTheRest() {
        OperatingTimeGuard guard = new OperatingTimeGuard(10_000, 0);
        guard.sent(METHOD, 1);
        guard.record(METHOD, figure(9.95, 0.1));
        guard.settled(METHOD, 1);
        assertThat(guard.pauseMillis(METHOD, NOW)).isEqualTo(RESET * 1000 + 1000 - NOW);
        long afterReset = RESET * 1000 + 1000;
        assertThat(guard.pauseMillis(METHOD, afterReset)).isZero();
        assertThat(guard.fits(METHOD, 50, afterReset)).as("the figures are out of date: one delete first").isEqualTo(1);
        guard.sent(METHOD, 1);
        assertThat(guard.fits(METHOD, 50, afterReset)).isZero();
        guard.record(METHOD, new TimeFigures(0.1, RESET + 12, 0.1));
        guard.settled(METHOD, 1);
        assertThat(guard.fits(METHOD, 50, afterReset)).as("fresh figures: the window has room for 50 again").isEqualTo(50);
    }

    @Test
    void callsTheServerDoesNotCountCostNothing() {
        OperatingTimeGuard guard = new OperatingTimeGuard(1_000, 0);
        guard.sent(METHOD, 1);
        guard.record(METHOD, figure(0.99, 0.05));
        guard.settled(METHOD, 1);
        assertThat(guard.fits(METHOD, 50, NOW)).as("deletes under 0.1 s are not counted by Bitrix24").isEqualTo(50);
    }

    @Test
    void deletesThatCostMoreOrLessKeepTheirSpreadInHand() {
        OperatingTimeGuard steady = new OperatingTimeGuard(100_000, 0);
        OperatingTimeGuard varied = new OperatingTimeGuard(100_000, 0);
        double used = 0;
        for (int i = 0; i < 400; i++) {
            steady.record(METHOD, figure(used + 0.15, 0.15));
            double charge = i % 2 == 0 ? 0.1 : 0.2;
            varied.record(METHOD, figure(used + charge, charge));
        }
        // same average (0.15 s) and the same 60 s used; the varied deletes may cost up to twice as much
        steady.record(METHOD, figure(60, 0.15));
        varied.record(METHOD, figure(60, 0.2));
        varied.record(METHOD, figure(60, 0.1));
        steady.sent(METHOD, 200);
        varied.sent(METHOD, 200);
        int steadyFits = steady.fits(METHOD, 50, NOW);
        int variedFits = varied.fits(METHOD, 50, NOW);
        assertThat(steadyFits).as("40 s left, 30 s in flight: 66 at the average").isEqualTo(50);
        assertThat(variedFits).as("a spread kept in hand for the 250 in flight").isLessThan(steadyFits);
    }

    @Test
    void twoProcessesEachSpendTheirShareOfWhatTheWindowHasLeft() {
        // two processes with one webhook: the portal counts their time together, and both see it in time.operating
        OperatingTimeGuard a = new OperatingTimeGuard(10_000, 0);
        OperatingTimeGuard b = new OperatingTimeGuard(10_000, 0);
        a.share(0.5);
        b.share(0.5);
        for (OperatingTimeGuard guard : new OperatingTimeGuard[] {a, b}) {
            guard.sent(METHOD, 1);
            guard.record(METHOD, figure(6.0, 0.1));
            guard.settled(METHOD, 1);
        }
        assertThat(a.fits(METHOD, 50, NOW)).as("half of the 4 s left at 0.1 s a delete").isEqualTo(20);
        a.sent(METHOD, 20);
        assertThat(b.fits(METHOD, 50, NOW)).as("b does not know what a has in flight, and leaves room for it")
                .isEqualTo(20);
        b.sent(METHOD, 20);
        assertThat(a.fits(METHOD, 50, NOW)).isZero();
        // together they had 40 of 40 in flight: the window is full, and neither sent more than its half
        for (OperatingTimeGuard guard : new OperatingTimeGuard[] {a, b}) {
            guard.record(METHOD, figure(10.0, 0.1));
            guard.settled(METHOD, 20);
            assertThat(guard.fits(METHOD, 50, NOW)).isZero();
            assertThat(guard.pauseMillis(METHOD, NOW)).as("until the reset").isEqualTo(RESET * 1000 + 1000 - NOW);
        }
        assertThat(a.share()).isEqualTo(0.5);
        assertThatThrownBy(() -> a.share(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.share(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
