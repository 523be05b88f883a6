package dev.camelbitrix24.simulator;

import java.util.Map;

/** {@code crm.activity.delete}, with the failure ladder of PROTOCOL.md §3.1 checked in the real server's order. */
final class ActivityDeleteMethod implements RestMethod {

    private final ActivityStore store;
    private final UserDirectory users;

    ActivityDeleteMethod(ActivityStore store, UserDirectory users) {
        this.store = store;
        this.users = users;
    }

    @Override
    public String name() {
        return "crm.activity.delete";
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
        // a missing activity and one the caller may not read are indistinguishable on purpose
        if (activity == null || !activity.readableBy(caller.userId())) {
            throw RestError.crm("Activity is not found.");
        }
        if (!activity.deletableBy(caller.userId())) {
            throw RestError.crm("Access denied.");
        }
        if (activity.ownerApp() != null) {
            if (caller.viaWebhook()) {
                throw RestError.crm("Application context required.");
            }
            if (!activity.ownerApp().equals(caller.appClientId())) {
                throw RestError.crm("Access denied.");
            }
        }
        if (!store.remove(activity)) {
            // a concurrent delete won the race: this call sees what a retry would see
            throw RestError.crm("Activity is not found.");
        }
        return Boolean.TRUE;
    }
}
