package dev.camelbitrix24.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One CRM activity held by the simulator. {@code readers}/{@code deleters} null means everyone;
 * {@code ownerApp} is the client id of the REST app that created it, or null.
 */
record Activity(long id, String subject, int ownerTypeId, long ownerId, int typeId, String providerId,
        int responsibleId, boolean completed, Instant created, String ownerApp, Set<Integer> readers,
        Set<Integer> deleters) {

    /** Bitrix24's own provider id of to-do activities (the name is Bitrix24's, not a note to self). */
    static final String TO_DO_PROVIDER = "CRM_TODO";

    boolean readableBy(int userId) {
        return readers == null || readers.contains(userId);
    }

    boolean deletableBy(int userId) {
        return deleters == null || deleters.contains(userId);
    }

    /** The fields as crm.activity.get/list return them: ids as strings, like the real server. */
    Map<String, Object> fields() {
        String date = ReplyTime.isoDate(created);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ID", String.valueOf(id));
        f.put("OWNER_ID", String.valueOf(ownerId));
        f.put("OWNER_TYPE_ID", String.valueOf(ownerTypeId));
        f.put("TYPE_ID", String.valueOf(typeId));
        f.put("PROVIDER_ID", providerId);
        f.put("PROVIDER_TYPE_ID", providerId.equals("REST_APP") ? "REST_APP" : "CALL");
        f.put("SUBJECT", subject);
        f.put("CREATED", date);
        f.put("LAST_UPDATED", date);
        f.put("COMPLETED", completed ? "Y" : "N");
        f.put("RESPONSIBLE_ID", String.valueOf(responsibleId));
        f.put("AUTHOR_ID", String.valueOf(responsibleId));
        f.put("DESCRIPTION", "");
        return f;
    }
}
