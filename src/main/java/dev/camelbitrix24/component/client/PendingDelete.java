package dev.camelbitrix24.component.client;

/**
 * One exchange's delete, sent alone or in batches: its own attempt count, its own lost-reply state and its own
 * outcome, so that it ends the same either way.
 */
final class PendingDelete extends PendingCall<DeleteResult> {

    final long id;
    /** When it last joined the batcher's queue; guarded by the batcher. */
    long queuedNanos;
    /** Its exchange said that more deletes follow it at once (a batch consumer's exchange, not the batch's last). */
    boolean moreFollow;

    PendingDelete(long id) {
        super(Bitrix24Client.METHOD);
        if (id <= 0) {
            // ActivityIdResolver lets only positive ids through; anything else must never reach a command string
            throw new IllegalArgumentException("activity id must be positive");
        }
        this.id = id;
    }

    /** Ends it deleted; {@code time} null means the last figures seen for it (a not-found reply carries none). */
    @Override
    void succeed(boolean confirmedOnRetry, int status, TimeFigures time) {
        result.complete(new DeleteResult(id, attempts, confirmedOnRetry, status, time != null ? time : lastTime()));
    }
}
