package dev.camelbitrix24.simulator;

import java.util.Map;

/**
 * {@code crm.activity.add}: enough to create activities through the real API. An activity added by an OAuth app
 * with {@code PROVIDER_ID=REST_APP} belongs to that app, as app-provided activities do on a real portal.
 */
final class ActivityAddMethod implements RestMethod {

    private final ActivityStore store;
    private final UserDirectory users;

    ActivityAddMethod(ActivityStore store, UserDirectory users) {
        this.store = store;
        this.users = users;
    }

    @Override
    public String name() {
        return "crm.activity.add";
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
        Object raw = params.get("fields") != null ? params.get("fields") : params.get("FIELDS");
        if (!(raw instanceof Map)) {
            throw RestError.crm("The parameter 'fields' must be array.");
        }
        Map<?, ?> fields = (Map<?, ?>) raw;
        String providerId = fields.get("PROVIDER_ID") == null ? Activity.TO_DO_PROVIDER : String.valueOf(fields.get("PROVIDER_ID"));
        String subject = fields.get("SUBJECT") == null ? "" : String.valueOf(fields.get("SUBJECT"));
        int ownerTypeId = (int) PhpValues.intval(fields.get("OWNER_TYPE_ID"));
        long ownerId = PhpValues.intval(fields.get("OWNER_ID"));
        int typeId = fields.get("TYPE_ID") == null ? 6 : (int) PhpValues.intval(fields.get("TYPE_ID"));
        long responsible = PhpValues.intval(fields.get("RESPONSIBLE_ID"));
        String ownerApp = !caller.viaWebhook() && providerId.equals("REST_APP") ? caller.appClientId() : null;
        return store.add(subject, ownerTypeId, ownerId, typeId, providerId,
                responsible > 0 ? (int) responsible : caller.userId(), ownerApp, ActivitySpec.plain());
    }
}
