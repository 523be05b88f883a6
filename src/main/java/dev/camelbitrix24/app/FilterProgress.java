package dev.camelbitrix24.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How far one filter request has come, kept by the consumer of its partition and, in the partition's commit metadata,
 * for whoever owns the partition next: the cursor (the last listed id whose page is done), the counts so far, and the
 * ids of the page being attempted. The page is named in a commit before its deletes leave, and the cursor and counts
 * move on only once every outcome of the page is acknowledged; so after a crash the next owner knows which deletes
 * may have run (an {@code Activity is not found.} for them is the delete it was) and finds which outcomes were written
 * (those are counted, not redone). Memory: one page of ids. Used only on its consumer's thread.
 */
final class FilterProgress {

    /** Commit metadata: {@code ;filter=offset:cursor:matched:deleted:notFound:failed[:page ids as ranges]}. */
    static final String KEY = ";filter=";

    /** The filter request's offset. */
    final long offset;
    long cursor;
    long matched;
    long deleted;
    long notFound;
    long failed;
    /** The ids being attempted, ascending; null between pages. */
    List<Long> page;
    /** Ids of the page whose outcome is acknowledged, and what it was. */
    final Map<Long, String> pageDone = new HashMap<>();
    /** Ids of the page whose delete may have reached Bitrix24 without an outcome. */
    final Set<Long> mayHaveDeleted = new HashSet<>();
    /** When the page being attempted was first sent: none of its outcomes was written before (epoch ms). */
    long pageStartedAt;
    /** The page being attempted is the last: fewer than 50 ids. */
    boolean lastPage;
    /** Every page is done: the summary is due. */
    boolean finished;

    FilterProgress(long offset) {
        this.offset = offset;
    }

    /** A new page is attempted, from {@code startedAt} (epoch ms) on. */
    void attempt(List<Long> ids, boolean last, long startedAt) {
        page = List.copyOf(ids);
        pageStartedAt = startedAt;
        pageDone.clear();
        mayHaveDeleted.clear();
        lastPage = last;
    }

    /** The ids of the page without an acknowledged outcome yet. */
    List<Long> pending() {
        List<Long> pending = new ArrayList<>();
        if (page != null) {
            page.stream().filter(id -> !pageDone.containsKey(id)).forEach(pending::add);
        }
        return pending;
    }

    /** An id of the page has its outcome (its {@code bitrix24.outcome}); when the page is complete, it is counted. */
    void done(long id, String outcome) {
        pageDone.put(id, outcome);
        mayHaveDeleted.remove(id);
        if (page != null && pageDone.size() >= page.size() && pageDone.keySet().containsAll(page)) {
            for (String kind : pageDone.values()) {
                if (OutcomeHeaders.DELETED.equals(kind)) {
                    deleted++;
                } else if ("NOT_FOUND".equals(kind)) {
                    notFound++;
                } else {
                    failed++;
                }
            }
            matched += page.size();
            cursor = page.get(page.size() - 1);
            finished = lastPage;
            page = null;
            pageDone.clear();
            mayHaveDeleted.clear();
        }
    }

    /** A dry run's page: counted at once, nothing attempted. */
    void counted(List<Long> ids, long nextCursor, boolean last) {
        matched += ids.size();
        cursor = nextCursor;
        finished = last;
    }

    /** The commit metadata section; a page's ids as ranges. */
    String encode() {
        StringBuilder s = new StringBuilder(KEY).append(offset).append(':').append(cursor).append(':').append(matched)
                .append(':').append(deleted).append(':').append(notFound).append(':').append(failed);
        if (page != null && !page.isEmpty()) {
            s.append(':');
            long start = page.get(0);
            long previous = start;
            for (int i = 1; i <= page.size(); i++) {
                long value = i < page.size() ? page.get(i) : Long.MIN_VALUE;
                if (value != previous + 1) {
                    s.append(start).append(start == previous ? "" : "-" + previous).append(i < page.size() ? "," : "");
                    start = value;
                }
                previous = value;
            }
        }
        return s.toString();
    }

    /**
     * The progress a commit's metadata keeps for a filter request at or after the commit's own offset, or null when it
     * keeps none (or it is somebody else's). Every id of its page may have been deleted.
     */
    static FilterProgress decode(String metadata, long commitOffset, long committedAt) {
        if (metadata == null) {
            return null;
        }
        int at = metadata.indexOf(KEY);
        if (at < 0) {
            return null;
        }
        int end = metadata.indexOf(';', at + 1);
        String[] fields = metadata.substring(at + KEY.length(), end < 0 ? metadata.length() : end).split(":");
        try {
            FilterProgress progress = new FilterProgress(Long.parseLong(fields[0]));
            if (progress.offset < commitOffset) {
                return null;
            }
            progress.cursor = Long.parseLong(fields[1]);
            progress.matched = Long.parseLong(fields[2]);
            progress.deleted = Long.parseLong(fields[3]);
            progress.notFound = Long.parseLong(fields[4]);
            progress.failed = Long.parseLong(fields[5]);
            if (fields.length > 6) {
                List<Long> ids = new ArrayList<>();
                for (String range : fields[6].split(",")) {
                    int dash = range.indexOf('-');
                    long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                    long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
                    for (long id = from; id <= to && ids.size() < 50; id++) {
                        ids.add(id);
                    }
                }
                // its last page is unknown: one more list after it answers that
                progress.attempt(ids, false, committedAt);
                progress.mayHaveDeleted.addAll(ids);
            }
            return progress;
        } catch (RuntimeException notOurs) {
            return null;
        }
    }
}
