package dev.camelbitrix24.component.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;

/** One exchange's list call: the page after {@code afterId} of a checked filter. */
final class PendingList extends PendingCall<ListPage> {

    /** The filter of this page, cursor included. */
    final ObjectNode filter;
    final long afterId;

    PendingList(ObjectNode filter, long afterId) {
        super(Bitrix24Client.LIST_METHOD);
        this.filter = filter;
        this.afterId = afterId;
    }

    /** Its page, read from the reply. */
    void listed(ListPage page) {
        result.complete(page);
    }

    /**
     * A reply read as a success of the whole request without being a list ({@link ListCall} turns {@code result: true}
     * into a failure first); never the answer of a list.
     */
    @Override
    void succeed(boolean confirmedOnRetry, int status, TimeFigures time) {
        result.completeExceptionally(new Bitrix24Exception(Bitrix24ErrorType.SERVER_ERROR, null,
                "HTTP " + status + " without a list result", status, false, attempts, null));
    }
}
