package dev.camelbitrix24.simulator;

import java.util.Map;

/** {@code crm.activity.get}: the fields of one activity the caller may read. */
final class ActivityGetMethod implements RestMethod {

    private final ActivityStore store;
    private final UserDirectory users;

    ActivityGetMethod(ActivityStore store, UserDirectory users) {
        this.store = store;
        this.users = users;
    }

    @Override
    public String name() {
        return "crm.activity.get";
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
        long id = ActivityIds.require(params);
        Activity activity = store.get(id);
        if (activity == null || !activity.readableBy(caller.userId())) {
            throw RestError.crm("Not found");
        }
        return activity.fields();
    }
}
