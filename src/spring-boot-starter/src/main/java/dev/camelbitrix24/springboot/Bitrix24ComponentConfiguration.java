package dev.camelbitrix24.springboot;

import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The options of the bitrix24 component, bound from {@code camel.component.bitrix24.*} (e.g.
 * {@code camel.component.bitrix24.webhook-url}) and copied onto the component when Camel creates it. One property per
 * component option of the Camel catalog ({@code META-INF/dev/camelbitrix24/component/bitrix24.json}), with its
 * description and default; Bitrix24ComponentAutoConfigurationTest keeps the two in step.
 */
@ConfigurationProperties(prefix = "camel.component.bitrix24")
public class Bitrix24ComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the bitrix24 component. This is enabled by default.
     */
    private Boolean enabled;

    /**
     * The id of the activity to delete when neither the body nor the CamelBitrix24ActivityId header carries one.
     */
    private Long activityId;

    /**
     * Coalesce the deletes of concurrent exchanges into batch calls of up to maxBatchSize commands (Bitrix24's batch
     * method, one request each); every exchange still gets its own outcome. Off: one call per exchange, without the
     * maxBatchWait delay. Worth it only when exchanges arrive concurrently (parallel processing, several in-flight
     * exchanges).
     */
    private Boolean batching = false;

    /**
     * The defaults every endpoint starts from; each option can also be set on its own. The option is a
     * dev.camelbitrix24.component.Bitrix24Configuration type.
     */
    private dev.camelbitrix24.component.Bitrix24Configuration configuration;

    /**
     * The connect timeout of one attempt, in milliseconds. The option is a duration, e.g. 20ms, 5s or PT1M; a plain
     * number is milliseconds.
     */
    private java.time.Duration connectTimeout = java.time.Duration.ofMillis(10000);

    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing.
     */
    private Boolean lazyStartProducer = false;

    /**
     * The most times one call is sent for retriable failures (rate limit, operating-time limit, server and network
     * errors), first attempt included.
     */
    private Integer maxAttempts = 5;

    /**
     * The most deletes in one batch call, 1 to 50 (Bitrix24's limit).
     */
    private Integer maxBatchSize = 50;

    /**
     * How long a batch that is not full waits for another delete to join before it is sent, in milliseconds (at most
     * ten times this after its first delete). A batch also waits while the rate plan or the operating-time limit holds
     * requests back, and keeps filling meanwhile. An exchange marked as not the last of a batch (exchange property
     * CamelBatchComplete=false, as Camel's batch consumers set it) holds the batch for the deletes that follow it
     * instead, up to 1 s after the batch's first delete. The option is a duration, e.g. 20ms, 5s or PT1M; a plain
     * number is milliseconds.
     */
    private java.time.Duration maxBatchWait = java.time.Duration.ofMillis(20);

    /**
     * The portal's request-rate limit, which the component keeps below: standard (bucket of 50 requests draining 2 per
     * second), enterprise (250, 5 per second), off (no pacing), or explicit figures BURST/PER_SECOND such as 50/2. One
     * bucket per portal is shared by every endpoint of the component; a 503 fills it, repeated 503s slow it down,
     * successes bring it back (as the official JS SDK does).
     */
    private String ratePlan = "standard";

    /**
     * The share of each portal's plan (its request bucket and operating-time budget) this component may use, more
     * than 0 and at most 1: when several processes call one portal with the same credentials, give each its share, so
     * that together they stay within the portal's limits. Can be changed while running (the Kafka pipeline sets it
     * from the share of the partitions each instance owns).
     */
    private Double planShare = 1.0;

    /**
     * How long one attempt waits for the reply, in milliseconds (Bitrix24 cloud stops a request after 60 s). A timeout
     * after sending counts as a call that may have reached Bitrix24. The option is a duration, e.g. 20ms, 5s or PT1M;
     * a plain number is milliseconds.
     */
    private java.time.Duration responseTimeout = java.time.Duration.ofMillis(65000);

    /**
     * The total time one call may spend on attempts and waits, in milliseconds: no retry is scheduled to start past it
     * (an attempt already sent may still take up to responseTimeout). The option is a duration, e.g. 20ms, 5s or PT1M;
     * a plain number is milliseconds.
     */
    private java.time.Duration retryBudget = java.time.Duration.ofMillis(60000);

    /**
     * The first backoff delay after a server or network error; doubles on each retry, with /-20% jitter. The option is
     * a duration, e.g. 20ms, 5s or PT1M; a plain number is milliseconds.
     */
    private java.time.Duration initialBackoff = java.time.Duration.ofMillis(1000);

    /**
     * The largest backoff delay between two attempts. The option is a duration, e.g. 20ms, 5s or PT1M; a plain number
     * is milliseconds.
     */
    private java.time.Duration maxBackoff = java.time.Duration.ofMillis(30000);

    /**
     * The most HTTP connections the endpoint keeps open.
     */
    private Integer maxConnections = 20;

    /**
     * How many times a call follows a redirect of a moved portal (a portal whose address changed answers 302 with the
     * new one; the request is re-sent there as POST). 0 refuses redirects.
     */
    private Integer maxRedirects = 3;

    /**
     * The portal's operating-time limit per method over its 10-minute window (Bitrix24 documents 480 s; self-hosted
     * portals default to 420 s; cloud plans vary). 0 (the default): learned from the portal's first 429
     * OPERATION_TIME_LIMIT. Either way the component reads time.operating from every reply and batch command, sends
     * only as many deletes as the window has room for, and waits for operating_reset_at when it is spent. The option
     * is a duration, e.g. 20ms, 5s or PT1M; a plain number is milliseconds.
     */
    private java.time.Duration operatingTimeLimit = java.time.Duration.ofMillis(0);

    /**
     * How much of the operating-time limit is left unspent, for deletes that cost more than the average. The option is
     * a duration, e.g. 20ms, 5s or PT1M; a plain number is milliseconds.
     */
    private java.time.Duration operatingTimeReserve = java.time.Duration.ofMillis(1000);

    /**
     * The shortest wait after 429 OPERATION_TIME_LIMIT; the component waits until the last operating_reset_at it saw
     * (plus one second) when that is later. The option is a duration, e.g. 20ms, 5s or PT1M; a plain number is
     * milliseconds.
     */
    private java.time.Duration operationTimeLimitWait = java.time.Duration.ofMillis(10000);

    /**
     * The wait after 503 QUERY_LIMIT_EXCEEDED for the portal's request bucket to drain, times 1.5 on each further one
     * (the official JS SDK's figure for 2 requests/s). The option is a duration, e.g. 20ms, 5s or PT1M; a plain number
     * is milliseconds.
     */
    private java.time.Duration rateLimitWait = java.time.Duration.ofMillis(1500);

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then gets
     * configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;

    /**
     * Hears the component's HTTP replies, retries, batch sizes and rate-limiter waits, for metrics (no secret is
     * passed to it). Autowired: a single Bitrix24CallListener bean in the registry is used. The option is a
     * dev.camelbitrix24.component.Bitrix24CallListener type.
     */
    private dev.camelbitrix24.component.Bitrix24CallListener callListener;

    /**
     * Makes the HttpClient 5 (async) clients the endpoints call Bitrix24 with, e.g. to record requests, add a proxy or
     * another TLS setup. Autowired: a single Bitrix24HttpClientFactory bean in the registry is used. Default: TLS
     * verified, connectTimeout, responseTimeout and maxConnections applied, no retries, redirects or cookies of the
     * client's own. The option is a dev.camelbitrix24.component.Bitrix24HttpClientFactory type.
     */
    private dev.camelbitrix24.component.Bitrix24HttpClientFactory httpClientFactory;

    /**
     * Used for enabling or disabling all consumer based health checks from this component
     */
    private Boolean healthCheckConsumerEnabled = true;

    /**
     * The producer's health check calls profile (one authenticated request) at most once per this interval and reports
     * the cached result in between, so that health probes never spend the portal's request budget faster than that.
     * The option is a duration, e.g. 20ms, 5s or PT1M; a plain number is milliseconds.
     */
    private java.time.Duration healthCheckInterval = java.time.Duration.ofMillis(60000);

    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice: Camel has by
     * default disabled all producer based health-checks. You can turn on producer checks globally by setting
     * camel.health.producersEnabled=true.
     */
    private Boolean healthCheckProducerEnabled = true;

    /**
     * OAuth application mode: the access token to start with when the token store holds none.
     */
    private String accessToken;

    /**
     * Allow plain http to a host that is not loopback. Off: such a URL is refused when the endpoint starts (http to
     * 127.0.0.1, ::1 or localhost is always allowed).
     */
    private Boolean allowInsecureHttp = false;

    /**
     * OAuth application mode: the application's client id.
     */
    private String clientId;

    /**
     * OAuth application mode: the application's client secret.
     */
    private String clientSecret;

    /**
     * OAuth application mode: the token endpoint used to refresh an expired access token.
     */
    private String oauthTokenUrl = "https://oauth.bitrix.info/oauth/token/";

    /**
     * OAuth application mode: the portal's base URL, e.g. https://example.bitrix24.com ; calls go to /rest/.json with
     * the access token.
     */
    private String portalUrl;

    /**
     * OAuth application mode: the refresh token to start with when the token store holds none.
     */
    private String refreshToken;

    /**
     * TLS settings (trust store, protocols) for https; default: the JVM's, with verification on. The option is a
     * org.apache.camel.support.jsse.SSLContextParameters type.
     */
    private org.apache.camel.support.jsse.SSLContextParameters sslContextParameters;

    /**
     * OAuth application mode: where the token pair is loaded from and saved to after each refresh (the refresh token
     * rotates, so persist it to survive a restart). Default: kept in memory. The option is a
     * dev.camelbitrix24.component.Bitrix24TokenStore type.
     */
    private dev.camelbitrix24.component.Bitrix24TokenStore tokenStore;

    /**
     * The incoming-webhook URL of the portal, e.g. https://example.bitrix24.com/rest/1/abc123/ . The code in its path
     * is the secret. Either this or portalUrl (OAuth) is required.
     */
    private String webhookUrl;

    public Long getActivityId() {
        return activityId;
    }

    public void setActivityId(Long activityId) {
        this.activityId = activityId;
    }

    public Boolean getBatching() {
        return batching;
    }

    public void setBatching(Boolean batching) {
        this.batching = batching;
    }

    public dev.camelbitrix24.component.Bitrix24Configuration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(dev.camelbitrix24.component.Bitrix24Configuration configuration) {
        this.configuration = configuration;
    }

    public java.time.Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(java.time.Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Integer getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(Integer maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public java.time.Duration getMaxBatchWait() {
        return maxBatchWait;
    }

    public void setMaxBatchWait(java.time.Duration maxBatchWait) {
        this.maxBatchWait = maxBatchWait;
    }

    public Double getPlanShare() {
        return planShare;
    }

    public void setPlanShare(Double planShare) {
        this.planShare = planShare;
    }

    public String getRatePlan() {
        return ratePlan;
    }

    public void setRatePlan(String ratePlan) {
        this.ratePlan = ratePlan;
    }

    public java.time.Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(java.time.Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public java.time.Duration getRetryBudget() {
        return retryBudget;
    }

    public void setRetryBudget(java.time.Duration retryBudget) {
        this.retryBudget = retryBudget;
    }

    public java.time.Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(java.time.Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public java.time.Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(java.time.Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxRedirects() {
        return maxRedirects;
    }

    public void setMaxRedirects(Integer maxRedirects) {
        this.maxRedirects = maxRedirects;
    }

    public java.time.Duration getOperatingTimeLimit() {
        return operatingTimeLimit;
    }

    public void setOperatingTimeLimit(java.time.Duration operatingTimeLimit) {
        this.operatingTimeLimit = operatingTimeLimit;
    }

    public java.time.Duration getOperatingTimeReserve() {
        return operatingTimeReserve;
    }

    public void setOperatingTimeReserve(java.time.Duration operatingTimeReserve) {
        this.operatingTimeReserve = operatingTimeReserve;
    }

    public java.time.Duration getOperationTimeLimitWait() {
        return operationTimeLimitWait;
    }

    public void setOperationTimeLimitWait(java.time.Duration operationTimeLimitWait) {
        this.operationTimeLimitWait = operationTimeLimitWait;
    }

    public java.time.Duration getRateLimitWait() {
        return rateLimitWait;
    }

    public void setRateLimitWait(java.time.Duration rateLimitWait) {
        this.rateLimitWait = rateLimitWait;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public dev.camelbitrix24.component.Bitrix24CallListener getCallListener() {
        return callListener;
    }

    public void setCallListener(dev.camelbitrix24.component.Bitrix24CallListener callListener) {
        this.callListener = callListener;
    }

    public dev.camelbitrix24.component.Bitrix24HttpClientFactory getHttpClientFactory() {
        return httpClientFactory;
    }

    public void setHttpClientFactory(dev.camelbitrix24.component.Bitrix24HttpClientFactory httpClientFactory) {
        this.httpClientFactory = httpClientFactory;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public java.time.Duration getHealthCheckInterval() {
        return healthCheckInterval;
    }

    public void setHealthCheckInterval(java.time.Duration healthCheckInterval) {
        this.healthCheckInterval = healthCheckInterval;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    public Boolean getAllowInsecureHttp() {
        return allowInsecureHttp;
    }

    public void setAllowInsecureHttp(Boolean allowInsecureHttp) {
        this.allowInsecureHttp = allowInsecureHttp;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getOauthTokenUrl() {
        return oauthTokenUrl;
    }

    public void setOauthTokenUrl(String oauthTokenUrl) {
        this.oauthTokenUrl = oauthTokenUrl;
    }

    public String getPortalUrl() {
        return portalUrl;
    }

    public void setPortalUrl(String portalUrl) {
        this.portalUrl = portalUrl;
    }

    public String getRefreshToken() {
        return refreshToken;
    }

    public void setRefreshToken(String refreshToken) {
        this.refreshToken = refreshToken;
    }

    public org.apache.camel.support.jsse.SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(org.apache.camel.support.jsse.SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public dev.camelbitrix24.component.Bitrix24TokenStore getTokenStore() {
        return tokenStore;
    }

    public void setTokenStore(dev.camelbitrix24.component.Bitrix24TokenStore tokenStore) {
        this.tokenStore = tokenStore;
    }

    public String getWebhookUrl() {
        return webhookUrl;
    }

    public void setWebhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
    }
}
