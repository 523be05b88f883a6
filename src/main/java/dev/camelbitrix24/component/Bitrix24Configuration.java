package dev.camelbitrix24.component;

import dev.camelbitrix24.component.client.Bitrix24Urls;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The options of a bitrix24 endpoint; the component holds one as the defaults every endpoint starts from.
 */
@UriParams
public class Bitrix24Configuration implements Cloneable {

    /** Where Bitrix24's OAuth server refreshes the tokens of every cloud portal. */
    public static final String DEFAULT_OAUTH_TOKEN_URL = "https://oauth.bitrix.info/oauth/token/";

    @UriParam(label = "security", secret = true,
              description = "The incoming-webhook URL of the portal, e.g. https://example.bitrix24.com/rest/1/abc123/ . "
                            + "The code in its path is the secret. Either this or portalUrl (OAuth) is required.")
    private String webhookUrl;

    @UriParam(label = "security",
              description = "OAuth application mode: the portal's base URL, e.g. https://example.bitrix24.com ; "
                            + "calls go to <portalUrl>/rest/<method>.json with the access token.")
    private String portalUrl;

    @UriParam(label = "security", description = "OAuth application mode: the application's client id.")
    private String clientId;

    @UriParam(label = "security", secret = true, description = "OAuth application mode: the application's client secret.")
    private String clientSecret;

    @UriParam(label = "security", secret = true,
              description = "OAuth application mode: the access token to start with when the token store holds none.")
    private String accessToken;

    @UriParam(label = "security", secret = true,
              description = "OAuth application mode: the refresh token to start with when the token store holds none.")
    private String refreshToken;

    @UriParam(label = "security", defaultValue = DEFAULT_OAUTH_TOKEN_URL,
              description = "OAuth application mode: the token endpoint used to refresh an expired access token.")
    private String oauthTokenUrl = DEFAULT_OAUTH_TOKEN_URL;

    @UriParam(label = "security",
              description = "OAuth application mode: where the token pair is loaded from and saved to after each refresh "
                            + "(the refresh token rotates, so persist it to survive a restart). Default: kept in memory.")
    private Bitrix24TokenStore tokenStore;

    @UriParam(label = "security", defaultValue = "false",
              description = "Allow plain http to a host that is not loopback. Off: such a URL is refused when the "
                            + "endpoint starts (http to 127.0.0.1, ::1 or localhost is always allowed).")
    private boolean allowInsecureHttp;

    @UriParam(label = "security",
              description = "TLS settings (trust store, protocols) for https; default: the JVM's, with verification on.")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "producer",
              description = "The id of the activity to delete when neither the body nor the CamelBitrix24ActivityId "
                            + "header carries one.")
    private Long activityId;

    @UriParam(label = "health", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The producer's health check calls profile (one authenticated request) at most once per "
                            + "this interval and reports the cached result in between, so that health probes never "
                            + "spend the portal's request budget faster than that.")
    private long healthCheckInterval = 60_000;

    @UriParam(label = "producer", defaultValue = "5",
              description = "The most times one call is sent for retriable failures (rate limit, operating-time limit, "
                            + "server and network errors), first attempt included.")
    private int maxAttempts = 5;

    @UriParam(label = "producer", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The total time one call may spend on attempts and waits, in milliseconds: no retry is "
                            + "scheduled to start past it (an attempt already sent may still take up to responseTimeout).")
    private long retryBudget = 60_000;

    @UriParam(label = "producer,advanced", defaultValue = "1000", javaType = "java.time.Duration",
              description = "The first backoff delay after a server or network error; doubles on each retry, "
                            + "with +/-20% jitter.")
    private long initialBackoff = 1_000;

    @UriParam(label = "producer,advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "The largest backoff delay between two attempts.")
    private long maxBackoff = 30_000;

    @UriParam(label = "producer,advanced", defaultValue = "1500", javaType = "java.time.Duration",
              description = "The wait after 503 QUERY_LIMIT_EXCEEDED for the portal's request bucket to drain, "
                            + "times 1.5 on each further one (the official JS SDK's figure for 2 requests/s).")
    private long rateLimitWait = 1_500;

    @UriParam(label = "producer,advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "The shortest wait after 429 OPERATION_TIME_LIMIT; the component waits until the last "
                            + "operating_reset_at it saw (plus one second) when that is later.")
    private long operationTimeLimitWait = 10_000;

    @UriParam(label = "producer,advanced", defaultValue = "3",
              description = "How many times a call follows a redirect of a moved portal (a portal whose address "
                            + "changed answers 302 with the new one; the request is re-sent there as POST). 0 refuses "
                            + "redirects.")
    private int maxRedirects = 3;

    @UriParam(label = "producer", defaultValue = "10000", javaType = "java.time.Duration",
              description = "The connect timeout of one attempt, in milliseconds.")
    private long connectTimeout = 10_000;

    @UriParam(label = "producer", defaultValue = "65000", javaType = "java.time.Duration",
              description = "How long one attempt waits for the reply, in milliseconds (Bitrix24 cloud stops a request "
                            + "after 60 s). A timeout after sending counts as a call that may have reached Bitrix24.")
    private long responseTimeout = 65_000;

    @UriParam(label = "producer,advanced", defaultValue = "20",
              description = "The most HTTP connections the endpoint keeps open.")
    private int maxConnections = 20;

    @UriParam(label = "producer", defaultValue = "false",
              description = "Coalesce the deletes of concurrent exchanges into batch calls of up to maxBatchSize "
                            + "commands (Bitrix24's batch method, one request each); every exchange still gets its own outcome. "
                            + "Off: one call per exchange, without the maxBatchWait delay. Worth it only when exchanges "
                            + "arrive concurrently (parallel processing, several in-flight exchanges).")
    private boolean batching;

    @UriParam(label = "producer", defaultValue = "50",
              description = "The most deletes in one batch call, 1 to 50 (Bitrix24's limit).")
    private int maxBatchSize = 50;

    @UriParam(label = "producer", defaultValue = "20", javaType = "java.time.Duration",
              description = "How long a batch that is not full waits for another delete to join before it is sent, in "
                            + "milliseconds (at most ten times this after its first delete). A batch also waits while the "
                            + "rate plan or the operating-time limit holds requests back, and keeps filling meanwhile. An "
                            + "exchange marked as not the last of a batch (exchange property CamelBatchComplete=false, as "
                            + "Camel's batch consumers set it) holds the batch for the deletes that follow it instead, up "
                            + "to 1 s after the batch's first delete.")
    private long maxBatchWait = 20;

    @UriParam(label = "producer", defaultValue = "standard",
              description = "The portal's request-rate limit, which the component keeps below: standard (bucket of 50 "
                            + "requests draining 2 per second), enterprise (250, 5 per second), off (no pacing), or "
                            + "explicit figures BURST/PER_SECOND such as 50/2. One bucket per portal is shared by every "
                            + "endpoint of the component; a 503 fills it, repeated 503s slow it down, successes bring it "
                            + "back (as the official JS SDK does).")
    private String ratePlan = "standard";

    @UriParam(label = "producer,advanced", defaultValue = "0", javaType = "java.time.Duration",
              description = "The portal's operating-time limit per method over its 10-minute window (Bitrix24 "
                            + "documents 480 s; self-hosted portals default to 420 s; cloud plans vary). 0 (the "
                            + "default): learned from the portal's first 429 OPERATION_TIME_LIMIT. Either way the "
                            + "component reads time.operating from every reply and batch command, sends only as many "
                            + "deletes as the window has room for, and waits for operating_reset_at when it is spent.")
    private long operatingTimeLimit;

    @UriParam(label = "producer,advanced", defaultValue = "1000", javaType = "java.time.Duration",
              description = "How much of the operating-time limit is left unspent, for deletes that cost more than the "
                            + "average.")
    private long operatingTimeReserve = 1_000;

    /** A copy for one endpoint, so that endpoint options never change the component's defaults. */
    public Bitrix24Configuration copy() {
        try {
            return (Bitrix24Configuration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** True when OAuth application mode is configured (a portal URL), false for webhook mode. */
    public boolean isOAuth() {
        return webhookUrl == null && portalUrl != null;
    }

    public String getWebhookUrl() {
        return webhookUrl;
    }

    public void setWebhookUrl(String webhookUrl) {
        this.webhookUrl = blankToNull(webhookUrl);
    }

    public String getPortalUrl() {
        return portalUrl;
    }

    public void setPortalUrl(String portalUrl) {
        this.portalUrl = blankToNull(portalUrl);
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = blankToNull(clientId);
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = blankToNull(clientSecret);
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = blankToNull(accessToken);
    }

    public String getRefreshToken() {
        return refreshToken;
    }

    public void setRefreshToken(String refreshToken) {
        this.refreshToken = blankToNull(refreshToken);
    }

    public String getOauthTokenUrl() {
        return oauthTokenUrl;
    }

    public void setOauthTokenUrl(String oauthTokenUrl) {
        this.oauthTokenUrl = oauthTokenUrl == null || oauthTokenUrl.isBlank() ? DEFAULT_OAUTH_TOKEN_URL : oauthTokenUrl;
    }

    public Bitrix24TokenStore getTokenStore() {
        return tokenStore;
    }

    public void setTokenStore(Bitrix24TokenStore tokenStore) {
        this.tokenStore = tokenStore;
    }

    public boolean isAllowInsecureHttp() {
        return allowInsecureHttp;
    }

    public void setAllowInsecureHttp(boolean allowInsecureHttp) {
        this.allowInsecureHttp = allowInsecureHttp;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public Long getActivityId() {
        return activityId;
    }

    public void setActivityId(Long activityId) {
        this.activityId = activityId;
    }

    public long getHealthCheckInterval() {
        return healthCheckInterval;
    }

    public void setHealthCheckInterval(long healthCheckInterval) {
        this.healthCheckInterval = healthCheckInterval;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public long getRetryBudget() {
        return retryBudget;
    }

    public void setRetryBudget(long retryBudget) {
        this.retryBudget = retryBudget;
    }

    public long getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(long initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public long getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(long maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public long getRateLimitWait() {
        return rateLimitWait;
    }

    public void setRateLimitWait(long rateLimitWait) {
        this.rateLimitWait = rateLimitWait;
    }

    public long getOperationTimeLimitWait() {
        return operationTimeLimitWait;
    }

    public void setOperationTimeLimitWait(long operationTimeLimitWait) {
        this.operationTimeLimitWait = operationTimeLimitWait;
    }

    public int getMaxRedirects() {
        return maxRedirects;
    }

    public void setMaxRedirects(int maxRedirects) {
        this.maxRedirects = maxRedirects;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(long responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public boolean isBatching() {
        return batching;
    }

    public void setBatching(boolean batching) {
        this.batching = batching;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public long getMaxBatchWait() {
        return maxBatchWait;
    }

    public void setMaxBatchWait(long maxBatchWait) {
        this.maxBatchWait = maxBatchWait;
    }

    public String getRatePlan() {
        return ratePlan;
    }

    public void setRatePlan(String ratePlan) {
        this.ratePlan = ratePlan == null || ratePlan.isBlank() ? "standard" : ratePlan.trim();
    }

    public long getOperatingTimeLimit() {
        return operatingTimeLimit;
    }

    public void setOperatingTimeLimit(long operatingTimeLimit) {
        this.operatingTimeLimit = operatingTimeLimit;
    }

    public long getOperatingTimeReserve() {
        return operatingTimeReserve;
    }

    public void setOperatingTimeReserve(long operatingTimeReserve) {
        this.operatingTimeReserve = operatingTimeReserve;
    }

    /** Unset placeholders such as {{env:BITRIX24_PORTAL_URL:}} resolve to "": treat them as not configured. */
    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Names the mode and the portal host only: the webhook code, tokens and client secret stay out. */
    @Override
    public String toString() {
        return "Bitrix24Configuration[mode=" + (isOAuth() ? "oauth" : "webhook") + ", host="
               + Bitrix24Urls.hostOf(isOAuth() ? portalUrl : webhookUrl) + ", maxAttempts=" + maxAttempts
               + ", retryBudget=" + retryBudget + "ms, batching=" + batching + ", ratePlan=" + ratePlan + "]";
    }
}
