package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code user.current}: the current user, needs the {@code user} scope (fixture {@code user_current_webhook_200}). */
final class UserCurrentMethod implements RestMethod {

    private final UserDirectory users;

    UserCurrentMethod(UserDirectory users) {
        this.users = users;
    }

    @Override
    public String name() {
        return "user.current";
    }

    @Override
    public String scope() {
        return "user";
    }

    @Override
    public Object call(Caller caller, Map<String, Object> params) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("ID", String.valueOf(caller.userId()));
        user.put("ACTIVE", true);
        user.put("NAME", users.firstName(caller.userId()));
        user.put("LAST_NAME", users.lastName(caller.userId()));
        return user;
    }
}
