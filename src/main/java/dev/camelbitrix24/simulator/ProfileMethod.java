package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code profile}: the current user, needs no scope; a cheap health check. */
final class ProfileMethod implements RestMethod {

    private final UserDirectory users;

    ProfileMethod(UserDirectory users) {
        this.users = users;
    }

    @Override
    public String name() {
        return "profile";
    }

    @Override
    public String scope() {
        return null;
    }

    @Override
    public Object call(Caller caller, Map<String, Object> params) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("ID", String.valueOf(caller.userId()));
        profile.put("ADMIN", users.isAdmin(caller.userId()));
        profile.put("NAME", users.firstName(caller.userId()));
        profile.put("LAST_NAME", users.lastName(caller.userId()));
        profile.put("PERSONAL_GENDER", "");
        profile.put("TIME_ZONE", "");
        profile.put("TIME_ZONE_OFFSET", 0);
        return profile;
    }
}
