package dev.camelbitrix24.simulator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The portal's users as far as the simulator needs them: names, and who may read nothing in CRM. */
final class UserDirectory {

    private final Set<Integer> withoutCrmAccess = ConcurrentHashMap.newKeySet();

    void clear() {
        withoutCrmAccess.clear();
    }

    void setCrmAccess(int userId, boolean canReadCrm) {
        if (canReadCrm) {
            withoutCrmAccess.remove(userId);
        } else {
            withoutCrmAccess.add(userId);
        }
    }

    boolean canReadCrm(int userId) {
        return !withoutCrmAccess.contains(userId);
    }

    String firstName(int userId) {
        return userId == 1 ? "Klaus" : "User";
    }

    String lastName(int userId) {
        return userId == 1 ? "Weber" : String.valueOf(userId);
    }

    boolean isAdmin(int userId) {
        return userId == 1;
    }
}
