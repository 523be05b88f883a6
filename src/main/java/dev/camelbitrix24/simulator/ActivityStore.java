package dev.camelbitrix24.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** The portal's CRM activities, thread-safe; ids are handed out in increasing order like an auto-increment column. */
final class ActivityStore {

    // sorted, so that crm.activity.list pages come out in ID order without sorting on every call
    private final ConcurrentSkipListMap<Long, Activity> activities = new ConcurrentSkipListMap<>();
    private final AtomicLong lastId = new AtomicLong();

    void clear() {
        activities.clear();
        lastId.set(0);
    }

    void seed(long firstId, int count) {
        if (firstId < 1 || count < 0) {
            throw new IllegalArgumentException("firstId must be >= 1 and count >= 0");
        }
        Instant now = Instant.now();
        for (long id = firstId; id < firstId + count; id++) {
            activities.putIfAbsent(id, new Activity(id, "Seeded activity " + id, 2, 1, 2, "VOXIMPLANT_CALL", 1, false, now,
                    null, null, null));
        }
        lastId.accumulateAndGet(firstId + count - 1, Math::max);
    }

    long add(String subject, int ownerTypeId, long ownerId, int typeId, String providerId, int responsibleId,
            String ownerApp, ActivitySpec access) {
        long id = lastId.incrementAndGet();
        activities.put(id, new Activity(id, subject, ownerTypeId, ownerId, typeId, providerId, responsibleId,
                access.completed(), Instant.now(), ownerApp, access.readers(), access.deleters()));
        return id;
    }

    Activity get(long id) {
        return activities.get(id);
    }

    /** Removes exactly this activity; false when a concurrent call removed it first. */
    boolean remove(Activity activity) {
        return activities.remove(activity.id(), activity);
    }

    boolean exists(long id) {
        return activities.containsKey(id);
    }

    long count() {
        return activities.size();
    }

    /**
     * The matching activities in id order (descending if asked), after skipping {@code start}; with {@code counted}
     * false the walk stops at the page's end and {@code total} is null, as with the real server's {@code start=-1}.
     */
    Page page(Predicate<Activity> filter, boolean descending, int start, int size, boolean counted) {
        List<Activity> items = new ArrayList<>(size);
        int total = 0;
        for (Activity a : descending ? activities.descendingMap().values() : activities.values()) {
            if (!filter.test(a)) {
                continue;
            }
            if (total >= start && items.size() < size) {
                items.add(a);
            } else if (!counted && items.size() >= size) {
                break;
            }
            total++;
        }
        return new Page(items, counted ? total : null);
    }

    record Page(List<Activity> items, Integer total) {
    }
}
