package dev.camelbitrix24.component;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.client.Bitrix24Client;
import dev.camelbitrix24.component.client.Bitrix24Urls;
import dev.camelbitrix24.component.client.OAuthSession;
import dev.camelbitrix24.component.client.OAuthSessionRegistry;
import dev.camelbitrix24.component.client.RequestPacer;
import dev.camelbitrix24.component.client.RetryPolicy;
import dev.camelbitrix24.component.client.SecretMasker;
import org.apache.camel.AsyncEndpoint;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.io.CloseMode;

/**
 * Calls a Bitrix24 REST method through an incoming webhook or as an OAuth application, with typed errors and
 * bounded retries.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "bitrix24", title = "Bitrix24", syntax = "bitrix24:method",
             producerOnly = true, category = { Category.CLOUD, Category.API }, headersClass = Bitrix24Constants.class)
public class Bitrix24Endpoint extends DefaultEndpoint implements AsyncEndpoint, EndpointServiceLocation {

    @UriPath(enums = "crm.activity.delete,crm.activity.list", description = "The Bitrix24 REST method to call: "
             + "crm.activity.delete deletes the activity the exchange names; crm.activity.list lists one page of the "
             + "ids a filter (the body) selects, after the cursor in the CamelBitrix24ListAfterId header.")
    @Metadata(required = true)
    private String method;

    @UriParam
    private Bitrix24Configuration configuration;

    private CloseableHttpAsyncClient http;
    private ScheduledExecutorService scheduler;
    private ExecutorService worker;
    private Bitrix24Client client;
    /** The OAuth session this endpoint shares with the component's other endpoints of the same application. */
    private OAuthSessionRegistry.Lease oauthLease;
    private Bitrix24ProducerHealthCheck healthCheck;
    private WritableHealthCheckRepository healthChecks;

    public Bitrix24Endpoint(String uri, Bitrix24Component component, String method,
                            Bitrix24Configuration configuration) {
        super(uri, component);
        this.method = method;
        this.configuration = configuration;
    }

    /** Refuses, when the endpoint is created, a configuration that cannot work or would expose a secret. */
    void validate() {
        Bitrix24Method.fromName(method);
        Bitrix24Configuration c = configuration;
        if (c.getWebhookUrl() != null && c.getPortalUrl() != null) {
            throw new IllegalArgumentException("Configure either webhookUrl (incoming webhook) or portalUrl (OAuth), not both");
        }
        if (c.getWebhookUrl() == null && c.getPortalUrl() == null) {
            throw new IllegalArgumentException("A bitrix24 endpoint needs webhookUrl (incoming webhook) or portalUrl (OAuth)");
        }
        URI url = methodUrl();
        Bitrix24Urls.checkTransport(url, c.isAllowInsecureHttp(), c.isOAuth() ? "portalUrl" : "webhookUrl");
        if (c.isOAuth()) {
            Bitrix24Urls.checkTransport(Bitrix24Urls.parse(c.getOauthTokenUrl(), "oauthTokenUrl"), c.isAllowInsecureHttp(),
                    "oauthTokenUrl");
        }
        if (c.getMaxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (c.getRetryBudget() < 0 || c.getInitialBackoff() < 0 || c.getMaxBackoff() < 0 || c.getRateLimitWait() < 0
            || c.getOperationTimeLimitWait() < 0 || c.getMaxRedirects() < 0) {
            throw new IllegalArgumentException("Durations and maxRedirects must not be negative");
        }
        if (c.getConnectTimeout() <= 0 || c.getResponseTimeout() <= 0 || c.getMaxConnections() < 1) {
            throw new IllegalArgumentException("connectTimeout, responseTimeout and maxConnections must be positive");
        }
        if (c.getMaxBatchSize() < 1 || c.getMaxBatchSize() > 50) {
            throw new IllegalArgumentException("maxBatchSize must be between 1 and 50 (Bitrix24's batch limit)");
        }
        if (c.getMaxBatchWait() < 0 || c.getOperatingTimeLimit() < 0 || c.getOperatingTimeReserve() < 0) {
            throw new IllegalArgumentException("maxBatchWait, operatingTimeLimit and operatingTimeReserve must not be "
                                               + "negative");
        }
        RequestPacer.check(c.getRatePlan());
        if (c.getActivityId() != null && c.getActivityId() <= 0) {
            throw new IllegalArgumentException("activityId must be a positive integer");
        }
    }

    private URI batchUrl() {
        return configuration.isOAuth()
                ? Bitrix24Urls.portalMethodUrl(configuration.getPortalUrl(), "batch")
                : Bitrix24Urls.webhookMethodUrl(configuration.getWebhookUrl(), "batch");
    }

    private URI methodUrl() {
        return configuration.isOAuth()
                ? Bitrix24Urls.portalMethodUrl(configuration.getPortalUrl(), method)
                : Bitrix24Urls.webhookMethodUrl(configuration.getWebhookUrl(), method);
    }

    /** The portal this endpoint calls, as {@code https://host:port}: never the webhook's path, which holds its code. */
    @Override
    public String getServiceUrl() {
        String url = configuration.isOAuth() ? configuration.getPortalUrl() : configuration.getWebhookUrl();
        if (url == null) {
            return null;
        }
        try {
            return Bitrix24Urls.origin(URI.create(url.trim()));
        } catch (RuntimeException notAUrl) {
            return null;
        }
    }

    @Override
    public String getServiceProtocol() {
        return "rest";
    }

    /** The method, how the endpoint authenticates, and for an OAuth application its client id (never a secret). */
    @Override
    public Map<String, String> getServiceMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("method", method);
        metadata.put("authentication", configuration.isOAuth() ? "oauth" : "webhook");
        if (configuration.isOAuth() && configuration.getClientId() != null) {
            metadata.put("clientId", configuration.getClientId());
        }
        return metadata;
    }

    @Override
    public Producer createProducer() {
        return Bitrix24Method.fromName(method) == Bitrix24Method.CRM_ACTIVITY_LIST ? new Bitrix24ListProducer(this)
                : new Bitrix24Producer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("The bitrix24 component has no consumer: it only calls Bitrix24");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        try {
            startClient();
        } catch (RuntimeException e) {
            // e.g. OAuth without any token: release the HTTP client and threads already created
            doStop();
            throw e;
        }
    }

    private void startClient() {
        ObjectMapper mapper = new ObjectMapper();
        Bitrix24HttpClientFactory httpClients = ((Bitrix24Component) getComponent()).httpClients();
        http = httpClients.create(configuration, getCamelContext());
        http.start();
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        // the scheduler only hands due retries to the HTTP client, which never blocks: one thread is enough
        scheduler = executors.newScheduledThreadPool(this, "Bitrix24Retry", 1);
        worker = executors.newDefaultThreadPool(this, "Bitrix24Reply");
        OAuthSession session = null;
        if (configuration.isOAuth()) {
            // one session per application and portal in the component: the refresh token rotates on each refresh
            Bitrix24TokenPair initial = configuration.getAccessToken() == null ? null
                    : new Bitrix24TokenPair(configuration.getAccessToken(), configuration.getRefreshToken());
            oauthLease = ((Bitrix24Component) getComponent()).oauthSessions().acquire(
                    Bitrix24Urls.parse(configuration.getOauthTokenUrl(), "oauthTokenUrl"), configuration.getClientId(),
                    configuration.getClientSecret(), configuration.getPortalUrl(), configuration.getTokenStore(), initial,
                    () -> httpClients.create(configuration, getCamelContext()));
            session = oauthLease.session();
        }
        OAuthSessionRegistry.Lease lease = oauthLease;
        SecretMasker masker = new SecretMasker(() -> secrets(lease));
        client = new Bitrix24Client(configuration, methodUrl(), http, mapper,
                new RetryPolicy(configuration, () -> ThreadLocalRandom.current().nextDouble()), session, masker,
                scheduler, worker, System::currentTimeMillis,
                ((Bitrix24Component) getComponent()).portalLimits().forPortal(methodUrl(), configuration.getRatePlan(),
                        configuration.getOperatingTimeLimit(), configuration.getOperatingTimeReserve()),
                configuration.isBatching() ? batchUrl() : null, ((Bitrix24Component) getComponent()).getCallListener());
        registerHealthCheck();
    }

    /**
     * Adds this endpoint's {@link Bitrix24ProducerHealthCheck} to Camel's producer health checks, when health checks
     * are on (camel-health present); one per endpoint, because the endpoint owns the client and credentials.
     */
    private void registerHealthCheck() {
        healthChecks = HealthCheckHelper.getHealthCheckRepository(getCamelContext(), "producers",
                WritableHealthCheckRepository.class);
        if (healthChecks != null) {
            Bitrix24Component component = (Bitrix24Component) getComponent();
            healthCheck = new Bitrix24ProducerHealthCheck(this,
                    component.claimHealthCheckId(Bitrix24ProducerHealthCheck.idOf(this), healthChecks));
            healthCheck.setEnabled(component.isHealthCheckProducerEnabled());
            healthChecks.addHealthCheck(healthCheck);
        }
    }

    /** Every secret of this endpoint, for masking text that came from elsewhere. */
    private List<String> secrets(OAuthSessionRegistry.Lease lease) {
        List<String> secrets = new ArrayList<>();
        if (configuration.getWebhookUrl() != null) {
            secrets.add(configuration.getWebhookUrl());
            // the code is a path segment: /rest/<user>/<code>/ (the masker skips short ones such as the user id)
            for (String segment : methodUrl().getPath().split("/")) {
                if (!segment.equals("rest") && !segment.startsWith(method)) {
                    secrets.add(segment);
                }
            }
        }
        secrets.add(configuration.getClientSecret());
        secrets.add(configuration.getAccessToken());
        secrets.add(configuration.getRefreshToken());
        if (lease != null) {
            // the shared session's tokens, rotated ones included, and the client secret its refreshes send
            secrets.addAll(lease.secrets());
        }
        return secrets;
    }

    @Override
    protected void doStop() throws Exception {
        if (healthCheck != null) {
            healthChecks.removeHealthCheck(healthCheck);
            ((Bitrix24Component) getComponent()).releaseHealthCheckId(healthCheck.getId());
            healthCheck = null;
        }
        if (http != null) {
            http.close(CloseMode.GRACEFUL);
            http = null;
        }
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        if (scheduler != null) {
            executors.shutdownNow(scheduler);
            scheduler = null;
        }
        if (worker != null) {
            executors.shutdown(worker);
            worker = null;
        }
        if (client != null) {
            // retries that were waiting on the scheduler will never run: end their exchanges now
            client.abortAll();
            client = null;
        }
        if (oauthLease != null) {
            // the other endpoints of the application keep the session; the last one closes its refresh client
            oauthLease.release();
            oauthLease = null;
        }
        super.doStop();
    }

    /** The client the producer calls through; available while the endpoint is started. */
    Bitrix24Client getClient() {
        return client;
    }

    public String getMethod() {
        return method;
    }

    /** The Bitrix24 REST method to call: {@code crm.activity.delete} or {@code crm.activity.list}. */
    public void setMethod(String method) {
        this.method = method;
    }

    public Bitrix24Configuration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(Bitrix24Configuration configuration) {
        this.configuration = configuration;
    }
}
