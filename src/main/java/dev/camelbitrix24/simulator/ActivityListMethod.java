package dev.camelbitrix24.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code crm.activity.list}: pages of 50 in ID order ({@code order[ID]=DESC} reverses), {@code start} offset,
 * a {@code filter} on exact field values (and {@code >ID}, {@code >=ID}, {@code <ID}, {@code <=ID}), top-level
 * {@code total} and {@code next}.
 */
final class ActivityListMethod implements RestMethod {

    static final int PAGE_SIZE = 50;

    private final ActivityStore store;
    private final UserDirectory users;

    ActivityListMethod(ActivityStore store, UserDirectory users) {
        this.store = store;
        this.users = users;
    }

    @Override
    public String name() {
        return "crm.activity.list";
    }

    @Override
    public String scope() {
        return "crm";
    }

    @Override
    public Object call(Caller caller, Map<String, Object> params) throws RestError {
        if (!users.canReadCrm(caller.userId())) {
            throw RestError.crm("Access denied.");
        }
        int start = (int) Math.max(0, Math.min(Integer.MAX_VALUE, PhpValues.intval(params.get("start"))));
        boolean descending = false;
        if (params.get("order") instanceof Map) {
            Object idOrder = ((Map<?, ?>) params.get("order")).get("ID");
            descending = idOrder != null && "desc".equalsIgnoreCase(String.valueOf(idOrder));
        }
        Predicate<Activity> filter = a -> a.readableBy(caller.userId());
        if (params.get("filter") instanceof Map) {
            filter = filter.and(fieldFilter((Map<?, ?>) params.get("filter")));
        }
        ActivityStore.Page page = store.page(filter, descending, start, PAGE_SIZE);
        List<Object> items = new ArrayList<>(page.items().size());
        page.items().forEach(a -> items.add(a.fields()));
        Integer next = start + PAGE_SIZE < page.total() ? start + PAGE_SIZE : null;
        return new ListResult(items, next, page.total());
    }

    private static Predicate<Activity> fieldFilter(Map<?, ?> filter) {
        Predicate<Activity> all = a -> true;
        for (Map.Entry<?, ?> e : filter.entrySet()) {
            String key = String.valueOf(e.getKey());
            String value = String.valueOf(e.getValue());
            if (key.matches("(>=|<=|>|<)ID")) {
                String op = key.substring(0, key.length() - 2);
                long bound = PhpValues.intval(value);
                all = all.and(a -> compare(op, a.id(), bound));
            } else {
                all = all.and(a -> value.equals(String.valueOf(a.fields().get(key))));
            }
        }
        return all;
    }

    private static boolean compare(String op, long id, long bound) {
        switch (op) {
            case ">":
                return id > bound;
            case ">=":
                return id >= bound;
            case "<":
                return id < bound;
            default:
                return id <= bound;
        }
    }
}
