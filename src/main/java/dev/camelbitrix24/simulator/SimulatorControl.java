package dev.camelbitrix24.simulator;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Inspects and steers a running simulator from Java; the {@code /_simulator/} HTTP API offers the same operations.
 * Thread-safe.
 */
public final class SimulatorControl {

    private final Portal portal;

    SimulatorControl(Portal portal) {
        this.portal = portal;
    }

    /** Does activity {@code id} exist (deleted ones do not)? */
    public boolean activityExists(long id) {
        return portal.activities.exists(id);
    }

    /** Creates plain activities {@code firstId .. firstId+count-1} (ids that exist are left alone). */
    public void seedActivities(long firstId, int count) {
        portal.activities.seed(firstId, count);
    }

    public long activityCount() {
        return portal.activities.count();
    }

    /** Adds a plain activity anyone may read and delete; returns its id. */
    public long addActivity() {
        return addActivity(ActivitySpec.plain());
    }

    /** Adds an activity with the given owner, fields, owner app and read/delete rights; returns its id. */
    public long addActivity(ActivitySpec spec) {
        String subject = spec.subjectOrNull() == null ? "Simulated activity" : spec.subjectOrNull();
        String provider = spec.ownerApp() == null ? Activity.TO_DO_PROVIDER : "REST_APP";
        return portal.activities.add(subject, spec.ownerTypeId(), spec.ownerId(), spec.typeId(), provider,
                spec.responsibleId(), spec.ownerApp(), spec);
    }

    /** Adds {@code count} activities made from {@code spec}; returns the first id (the others follow it). */
    public long addActivities(ActivitySpec spec, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        long first = addActivity(spec);
        for (int i = 1; i < count; i++) {
            addActivity(spec);
        }
        return first;
    }

    /** Requests that reached this method (case-insensitive), whatever their outcome; batch commands count too. */
    public long callCount(String method) {
        return portal.calls.get(method);
    }

    /** Every method's call count. */
    public Map<String, Long> callCounts() {
        return portal.calls.snapshot();
    }

    /** How many 503 QUERY_LIMIT_EXCEEDED replies were given. */
    public long rateLimitRejections() {
        return portal.rateLimitRejections.sum();
    }

    /** How many 429 OPERATION_TIME_LIMIT refusals were given (whole requests and batch commands). */
    public long operatingLimitRejections() {
        return portal.operatingLimitRejections.sum();
    }

    /** The highest number of REST requests seen within any one-second sliding window. */
    public long maxRequestRate() {
        return portal.requestRate.max();
    }

    public void injectFault(FaultSpec fault) {
        portal.faults.add(fault);
    }

    public List<FaultSpec> activeFaults() {
        return portal.faults.active();
    }

    public void clearFaults() {
        portal.faults.clear();
    }

    /** Back to the state at start: seeded activities, only the default webhook, limits as configured, counters zero, no faults. */
    public void reset() {
        portal.reset();
    }

    /** Switches the request-rate plan; every client's bucket starts empty. */
    public void setRatePlan(RatePlan plan) {
        portal.rateLimiter.reset(plan);
    }

    public RatePlan ratePlan() {
        return portal.rateLimiter.plan();
    }

    /** Switches the operating-time limit; the time already used is forgotten. */
    public void setOperatingTimeLimit(OperatingTimeLimit limit) {
        portal.operatingTime.reset(limit);
    }

    public OperatingTimeLimit operatingTimeLimit() {
        return portal.operatingTime.limit();
    }

    /** Every REST reply from now on is held back by a latency drawn from {@code latency}; {@code NONE} turns it off. */
    public void setReplyLatency(ReplyLatency latency) {
        portal.replyDelay.set(Objects.requireNonNull(latency, "latency"));
    }

    /** The current reply latency; {@link ReplyLatency#NONE} when replies are not held back. */
    public ReplyLatency replyLatency() {
        return portal.replyDelay.latency();
    }

    /** Adds an incoming webhook, e.g. one without {@code crm} to provoke {@code insufficient_scope}. */
    public void addWebhook(int userId, String code, Set<String> scopes) {
        portal.auth.addWebhook(userId, code, scopes);
    }

    /** Registers an OAuth application with the scopes {@code crm} and {@code user}. */
    public void registerOAuthApp(String clientId, String clientSecret) {
        registerOAuthApp(clientId, clientSecret, Portal.DEFAULT_SCOPES);
    }

    public void registerOAuthApp(String clientId, String clientSecret, Set<String> scopes) {
        portal.auth.registerApp(clientId, clientSecret, scopes);
    }

    /** Issues a fresh access and refresh token of a registered app for a user (what installing the app does). */
    public TokenPair issueTokens(String clientId, int userId) {
        return portal.auth.issue(clientId, userId);
    }

    /** Every access token issued so far answers 401 expired_token from now on. */
    public void expireAccessTokens() {
        portal.auth.expireAllAccessTokens();
    }

    /** Every refresh token issued so far answers {@code invalid_grant} from now on. */
    public void revokeRefreshTokens() {
        portal.auth.revokeAllRefreshTokens();
    }

    /** Requests at the token endpoint, whatever their answer ({@code invalid_grant} included). */
    public long tokenRequestCount() {
        return portal.auth.tokenRequestCount();
    }

    /** Successful refreshes at the token endpoint. */
    public long tokenRefreshCount() {
        return portal.auth.refreshCount();
    }

    /** With {@code false}, the user can read nothing in CRM: every crm.activity.* call answers {@code Access denied.} */
    public void setCrmAccess(int userId, boolean canReadCrm) {
        portal.users.setCrmAccess(userId, canReadCrm);
    }
}
