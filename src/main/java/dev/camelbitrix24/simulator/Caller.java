package dev.camelbitrix24.simulator;

import java.util.Set;

/**
 * Who makes a REST call, once authenticated: the user, the granted scopes, and the app's client id when the call
 * comes with an OAuth token (null for a webhook). {@code operatingKey} names the webhook or app whose
 * operating time is counted.
 */
record Caller(int userId, Set<String> scopes, String appClientId, String operatingKey) {

    boolean viaWebhook() {
        return appClientId == null;
    }
}
