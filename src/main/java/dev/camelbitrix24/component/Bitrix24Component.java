package dev.camelbitrix24.component;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.camelbitrix24.component.client.OAuthSessionRegistry;
import dev.camelbitrix24.component.client.PortalLimitsRegistry;
import org.apache.camel.Endpoint;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.SensitiveUtils;

/**
 * The bitrix24 component: calls Bitrix24 REST methods ({@code bitrix24:crm.activity.delete}) with typed errors,
 * retries within limits, and secrets kept out of logs and URIs. Its options are the defaults of every endpoint.
 * Each producer registers a readiness health check ({@link Bitrix24ProducerHealthCheck}) when Camel's producer
 * health checks are on.
 */
@Component("bitrix24")
public class Bitrix24Component extends HealthCheckComponent {

    /** Option names whose values Camel must mask when it prints or registers an endpoint URI. */
    static final String SENSITIVE_OPTIONS = "webhookUrl";

    @Metadata(description = "The defaults every endpoint starts from; each option can also be set on its own.")
    private Bitrix24Configuration configuration = new Bitrix24Configuration();

    @Metadata(label = "advanced", autowired = true,
              description = "Hears the component's HTTP replies, retries, batch sizes and rate-limiter waits, for "
                            + "metrics (no secret is passed to it). Autowired: a single Bitrix24CallListener bean in the "
                            + "registry is used.")
    private Bitrix24CallListener callListener;

    @Metadata(label = "producer", defaultValue = "1.0",
              description = "The share of each portal's plan (its request bucket and operating-time budget) this "
                            + "component may use, more than 0 and at most 1: when several processes call one portal "
                            + "with the same credentials, give each its share, so that together they stay within "
                            + "the portal's limits. Can be changed while running (the Kafka pipeline sets it from "
                            + "the share of the partitions each instance owns).")
    private double planShare = 1;

    @Metadata(label = "advanced", autowired = true,
              description = "Makes the HttpClient 5 (async) clients the endpoints call Bitrix24 with, e.g. to record "
                            + "requests, add a proxy or another TLS setup. Autowired: a single Bitrix24HttpClientFactory "
                            + "bean in the registry is used. Default: TLS verified, connectTimeout, responseTimeout and "
                            + "maxConnections applied, no retries, redirects or cookies of the client's own.")
    private Bitrix24HttpClientFactory httpClientFactory;

    /** The request pacer and operating-time guard of each portal, shared by all endpoints of this component. */
    private final PortalLimitsRegistry portalLimits = new PortalLimitsRegistry();

    /**
     * The OAuth session of each application on each portal, shared by all endpoints of this component with the same
     * credentials: Bitrix24 rotates the refresh token on every refresh, so they must refresh together, once.
     */
    private final OAuthSessionRegistry oauthSessions = new OAuthSessionRegistry();

    /** The health check ids this component's started endpoints hold. */
    private final Set<String> healthCheckIds = new HashSet<>();

    public Bitrix24Component() {
    }

    /**
     * The id for an endpoint's health check: {@code id}, or {@code id-2}, {@code id-3}, ... when an endpoint of this
     * component or another check of the repository holds it (two endpoints that differ only in a secret derive the same
     * id). The component keeps its own list as well: the repository shows no check while it is disabled.
     */
    synchronized String claimHealthCheckId(String id, HealthCheckRepository repository) {
        Set<String> taken = new HashSet<>(healthCheckIds);
        repository.stream().map(HealthCheck::getId).forEach(taken::add);
        String unique = Bitrix24ProducerHealthCheck.uniqueIn(taken, id);
        healthCheckIds.add(unique);
        return unique;
    }

    /** Gives back the id of a stopped endpoint's health check. */
    synchronized void releaseHealthCheckId(String id) {
        healthCheckIds.remove(id);
    }

    PortalLimitsRegistry portalLimits() {
        return portalLimits;
    }

    OAuthSessionRegistry oauthSessions() {
        return oauthSessions;
    }

    @Override
    protected void doStop() throws Exception {
        // endpoints release their sessions when they stop; this closes what one left open (the pairs stay)
        oauthSessions.closeAll();
        super.doStop();
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        registerSensitiveOptions();
    }

    /**
     * Camel masks options named like a secret (token, secret, ...), but not {@code webhookUrl}, whose path holds the
     * webhook code: add it to the context's sensitive keywords, keeping those the user set.
     */
    private void registerSensitiveOptions() {
        ExtendedCamelContext extension = getCamelContext().getCamelContextExtension();
        String current = extension.getAdditionalSensitiveKeywords();
        if (current == null || current.isBlank()) {
            extension.setAdditionalSensitiveKeywords(SENSITIVE_OPTIONS);
        } else if (Arrays.stream(current.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .noneMatch(SENSITIVE_OPTIONS.toLowerCase(Locale.ROOT)::equals)) {
            extension.setAdditionalSensitiveKeywords(current + "," + SENSITIVE_OPTIONS);
        }
    }

    /** Whether an option's value is a secret (the webhook URL, the client secret, a token). */
    static boolean isSecretOption(String name) {
        // Camel's own list names clientSecret, accessToken and refreshToken; webhookUrl is the one this component adds
        return SENSITIVE_OPTIONS.equalsIgnoreCase(name) || SensitiveUtils.containsSensitive(name);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Bitrix24Method method = Bitrix24Method.fromName(remaining);
        Bitrix24Endpoint endpoint = new Bitrix24Endpoint(uri, this, method.methodName(), configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    public Bitrix24Configuration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(Bitrix24Configuration configuration) {
        this.configuration = configuration;
    }

    public double getPlanShare() {
        return planShare;
    }

    /**
     * The share of each portal's plan this component may use (more than 0, at most 1); applies at once to the portals
     * called so far, and to those to come.
     */
    public void setPlanShare(double planShare) {
        portalLimits.share(planShare);
        this.planShare = planShare;
    }

    public Bitrix24HttpClientFactory getHttpClientFactory() {
        return httpClientFactory;
    }

    /** Makes the HTTP clients the endpoints call Bitrix24 with; {@link Bitrix24HttpClientFactory#DEFAULT} when none. */
    public void setHttpClientFactory(Bitrix24HttpClientFactory httpClientFactory) {
        this.httpClientFactory = httpClientFactory;
    }

    /** The factory set or autowired, else the default. */
    Bitrix24HttpClientFactory httpClients() {
        return httpClientFactory != null ? httpClientFactory : Bitrix24HttpClientFactory.DEFAULT;
    }

    public Bitrix24CallListener getCallListener() {
        return callListener;
    }

    /** Hears the component's HTTP replies, retries, batch sizes and rate-limiter waits, for metrics; none by default. */
    public void setCallListener(Bitrix24CallListener callListener) {
        this.callListener = callListener;
    }
}
