package dev.camelbitrix24.app;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the component gave back without an outcome ({@link Bitrix24RetryLaterException}: the portal waits, or the
 * endpoint stopped): they stay uncommitted and are consumed again, the consumer pauses until the portal can take
 * them, and one whose call may have reached Bitrix24 goes out again saying so.
 */
final class HeldRequests {

    private static final Logger LOG = LoggerFactory.getLogger(HeldRequests.class);

    private HeldRequests() {
    }

    /**
     * Requests held back earlier whose call may have reached Bitrix24 go out saying so, so that
     * {@code Activity is not found.} for them is reported as the delete it is.
     */
    static void markMayHaveDeleted(List<PollRequest> requests, ConsumerState state) {
        if (requests.isEmpty()) {
            return;
        }
        Map<TopicPartition, Set<Long>> mayHaveDeleted = state.mayHaveDeleted;
        if (mayHaveDeleted.isEmpty()) {
            return;
        }
        for (PollRequest request : requests) {
            Set<Long> offsets = mayHaveDeleted.get(request.partition);
            if (offsets != null && offsets.remove(request.offset)) {
                request.exchange.getMessage().setHeader(Bitrix24Constants.MAY_HAVE_DELETED, true);
            }
        }
    }

    /**
     * Requests the component gave back because the portal waits (or the endpoint stopped) have no outcome: they stay
     * uncommitted, are consumed again, and the consumer pauses until the portal can take them.
     */
    static void hold(List<PollRequest> requests, ConsumerState state, PortalWaitPause pause) {
        Bitrix24PortalWait latest = null;
        int held = 0;
        for (PollRequest request : requests) {
            Bitrix24RetryLaterException later = request.exchange.getException(Bitrix24RetryLaterException.class);
            if (later == null) {
                continue;
            }
            request.held = later;
            held++;
            if (later.isMayHaveDeleted()) {
                state.mayHaveDeleted.computeIfAbsent(request.partition, p -> new HashSet<>()).add(request.offset);
            }
            Bitrix24PortalWait wait = later.getPortalWait();
            if (wait != null && (latest == null || wait.until().isAfter(latest.until()))) {
                latest = wait;
            }
        }
        if (held == 0) {
            return;
        }
        LOG.info("{} of {} request(s) held without an outcome ({}); they are consumed again{}", held, requests.size(),
                latest == null ? "the endpoint stopped" : latest.reason(), latest == null ? ""
                        : " when the pause ends: " + PortalWaitPause.describe(latest));
        if (latest != null && pause != null) {
            pause.pauseUntil(latest);
        }
    }
}
