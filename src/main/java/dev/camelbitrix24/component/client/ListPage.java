package dev.camelbitrix24.component.client;

import java.util.List;

/**
 * One page of {@code crm.activity.list} in keyset paging: the ids after the cursor, in ascending order.
 *
 * @param ids      at most 50 ids, each larger than the cursor and than the one before
 * @param lastId   the cursor of the next page: the last id of this one, or the cursor itself when it is empty
 * @param more     whether another page may follow: this one was full (a page of fewer than 50 is the last)
 * @param attempts how many times the call was sent
 */
public record ListPage(List<Long> ids, long lastId, boolean more, int attempts, int httpStatus, TimeFigures time) {

    /** Bitrix24's page size for list methods. */
    public static final int SIZE = 50;
}
