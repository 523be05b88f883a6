package dev.camelbitrix24.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code crm.activity.list} (PROTOCOL §8): pages of 50 in ID order ({@code order[ID]=DESC} reverses), {@code start}
 * the offset of the page, {@code start=-1} no count (neither {@code total} nor {@code next}, and the walk stops at
 * the page's end), {@code select} the fields returned ({@code *} or absent: all), top-level {@code total} and
 * {@code next}. {@code filter} keys are a field with an optional operator prefix: {@code =} (the default), {@code !}
 * and {@code !=} (not equal), {@code >}, {@code >=}, {@code <}, {@code <=}, {@code @} (in) and {@code !@} (not in); an
 * array value means "any of" (with a negation: "none of"). Numeric fields ({@code ID}, {@code OWNER_ID},
 * {@code OWNER_TYPE_ID}, {@code TYPE_ID}, {@code RESPONSIBLE_ID}) compare as numbers, the others as text; a field an
 * activity does not have matches nothing.
 */
final class ActivityListMethod implements RestMethod {

    static final int PAGE_SIZE = 50;

    private static final Pattern KEY = Pattern.compile("(!@|!=|>=|<=|!|=|>|<|@)?([A-Z_]+)");
    private static final Set<String> NUMERIC = Set.of("ID", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID", "RESPONSIBLE_ID",
            "AUTHOR_ID");

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
        Object order = params.get("order");
        if (order != null && !(order instanceof Map) && !"".equals(order)) {
            throw RestError.crm("Parameter 'order' must be array.");
        }
        Object filterParam = params.get("filter");
        if (filterParam != null && !(filterParam instanceof Map) && !"".equals(filterParam)) {
            throw RestError.crm("Parameter 'filter' must be array.");
        }
        long startParam = PhpValues.intval(params.get("start"));
        boolean counted = startParam >= 0;
        int start = (int) Math.max(0, Math.min(Integer.MAX_VALUE, startParam));
        boolean descending = false;
        if (order instanceof Map) {
            Object idOrder = ((Map<?, ?>) order).get("ID");
            descending = idOrder != null && "desc".equalsIgnoreCase(String.valueOf(idOrder));
        }
        Predicate<Activity> filter = a -> a.readableBy(caller.userId());
        if (filterParam instanceof Map) {
            filter = filter.and(fieldFilter((Map<?, ?>) filterParam));
        }
        ActivityStore.Page page = store.page(filter, descending, start, PAGE_SIZE, counted);
        List<String> select = select(params.get("select"));
        List<Object> items = new ArrayList<>(page.items().size());
        page.items().forEach(a -> items.add(selected(a.fields(), select)));
        Integer next = counted && start + PAGE_SIZE < page.total() ? start + PAGE_SIZE : null;
        return new ListResult(items, next, page.total());
    }

    /** The fields asked for, upper-cased; null for all ({@code *} or no select). */
    private static List<String> select(Object param) {
        Collection<?> values = param instanceof Map ? ((Map<?, ?>) param).values()
                : param instanceof Collection ? (Collection<?>) param : null;
        if (values == null || values.isEmpty()) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        for (Object value : values) {
            String field = String.valueOf(value).toUpperCase(Locale.ROOT);
            if (field.equals("*")) {
                return null;
            }
            fields.add(field);
        }
        return fields;
    }

    private static Map<String, Object> selected(Map<String, Object> fields, List<String> select) {
        if (select == null) {
            return fields;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : select) {
            if (fields.containsKey(field)) {
                out.put(field, fields.get(field));
            }
        }
        return out;
    }

    private static Predicate<Activity> fieldFilter(Map<?, ?> filter) {
        Predicate<Activity> all = a -> true;
        for (Map.Entry<?, ?> e : filter.entrySet()) {
            Matcher key = KEY.matcher(String.valueOf(e.getKey()).toUpperCase(Locale.ROOT));
            if (!key.matches()) {
                // a key the server cannot read as field and operator filters nothing
                continue;
            }
            String op = key.group(1) == null ? "=" : key.group(1);
            String field = key.group(2);
            List<Object> values = values(e.getValue());
            all = all.and(a -> matches(a.fields().get(field), NUMERIC.contains(field), op, values));
        }
        return all;
    }

    private static List<Object> values(Object value) {
        if (value instanceof Map) {
            return new ArrayList<>(((Map<?, ?>) value).values());
        }
        if (value instanceof Collection) {
            return new ArrayList<>((Collection<?>) value);
        }
        List<Object> one = new ArrayList<>(1);
        one.add(value);
        return one;
    }

    private static boolean matches(Object actual, boolean numeric, String op, List<Object> values) {
        if (actual == null) {
            return false;
        }
        boolean negated = op.startsWith("!");
        String compare = negated ? op.substring(1) : op;
        boolean any = false;
        for (Object value : values) {
            int order = numeric ? Long.compare(PhpValues.intval(actual), PhpValues.intval(value))
                    : String.valueOf(actual).compareTo(String.valueOf(value));
            boolean hit = switch (compare) {
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                default -> order == 0; // "", "=", "@"
            };
            if (hit) {
                any = true;
                break;
            }
        }
        return negated != any;
    }
}
