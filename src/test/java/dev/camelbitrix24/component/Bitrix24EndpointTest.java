package dev.camelbitrix24.component;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.CapturedOutput;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How endpoints are created: the method in the URI, the options and their component-level defaults, and the
 * configurations refused up front.
 */
class Bitrix24EndpointTest {

    private static final String WEBHOOK = "https://portal.example.com/rest/1/c0de4321/";

    private final CamelHarness camel = new CamelHarness();

    @AfterEach
    void stop() {
        camel.close();
    }

    private Bitrix24Endpoint endpoint(String uri) {
        return camel.context().getEndpoint(uri, Bitrix24Endpoint.class);
    }

    @Test
    void anUnknownMethodIsRefusedWithTheListOfSupportedOnes() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.add?webhookUrl=RAW(" + WEBHOOK + ")"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasRootCauseMessage("Unsupported Bitrix24 method 'crm.activity.add'. Supported: crm.activity.delete, crm.activity.list");
    }

    @Test
    void theServiceLocationIsThePortalWithoutTheWebhooksCode() {
        Bitrix24Endpoint webhook = endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")");
        Bitrix24Endpoint oauth = endpoint("bitrix24:crm.activity.delete?portalUrl=https://portal.example.com/"
                + "&clientId=local.app&clientSecret=s3cr3t&accessToken=acc3ss&refreshToken=r3fresh");

        assertThat(webhook.getServiceUrl()).isEqualTo("https://portal.example.com:443");
        assertThat(webhook.getServiceProtocol()).isEqualTo("rest");
        // Map.of has no order of its own: compared as maps
        assertThat(webhook.getServiceMetadata()).isEqualTo(
                Map.of("method", "crm.activity.delete", "authentication", "webhook"));
        assertThat(oauth.getServiceUrl()).isEqualTo("https://portal.example.com:443");
        assertThat(oauth.getServiceMetadata()).containsEntry("authentication", "oauth").containsEntry("clientId", "local.app");
        assertThat(webhook.getServiceUrl() + webhook.getServiceMetadata() + oauth.getServiceMetadata())
                .doesNotContain("c0de4321", "s3cr3t", "acc3ss", "r3fresh");
    }

    @Test
    void methodNamesAreCaseInsensitiveLikeBitrix24s() {
        assertThat(endpoint("bitrix24:CRM.Activity.Delete?webhookUrl=RAW(" + WEBHOOK + ")").getMethod())
                .isEqualTo("crm.activity.delete");
    }

    @Test
    void endpointsStartFromTheComponentDefaultsAndNeverChangeThem() {
        Bitrix24Component component = camel.context().getComponent("bitrix24", Bitrix24Component.class);
        component.getConfiguration().setWebhookUrl(WEBHOOK);
        component.getConfiguration().setMaxAttempts(7);

        Bitrix24Endpoint overriding = endpoint("bitrix24:crm.activity.delete?maxAttempts=2&activityId=9");
        Bitrix24Endpoint plain = endpoint("bitrix24:crm.activity.delete");

        assertThat(overriding.getConfiguration().getWebhookUrl()).isEqualTo(WEBHOOK);
        assertThat(overriding.getConfiguration().getMaxAttempts()).isEqualTo(2);
        assertThat(overriding.getConfiguration().getActivityId()).isEqualTo(9L);
        assertThat(plain.getConfiguration().getMaxAttempts()).isEqualTo(7);
        assertThat(plain.getConfiguration().getActivityId()).isNull();
        assertThat(component.getConfiguration().getMaxAttempts()).isEqualTo(7);
    }

    @Test
    void defaultsAreThoseDocumented() {
        Bitrix24Configuration c = endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")")
                .getConfiguration();

        assertThat(c.getMaxAttempts()).isEqualTo(5);
        assertThat(c.getRetryBudget()).isEqualTo(60_000);
        assertThat(c.getInitialBackoff()).isEqualTo(1_000);
        assertThat(c.getMaxBackoff()).isEqualTo(30_000);
        assertThat(c.getRateLimitWait()).isEqualTo(1_500);
        assertThat(c.getOperationTimeLimitWait()).isEqualTo(10_000);
        assertThat(c.getMaxRedirects()).isEqualTo(3);
        assertThat(c.getConnectTimeout()).isEqualTo(10_000);
        assertThat(c.getResponseTimeout()).isEqualTo(65_000);
        assertThat(c.getMaxConnections()).isEqualTo(20);
        assertThat(c.isAllowInsecureHttp()).isFalse();
        assertThat(c.getOauthTokenUrl()).isEqualTo("https://oauth.bitrix.info/oauth/token/");
    }

    @Test
    void durationsAcceptCamelsDurationSyntax() {
        Bitrix24Configuration c = endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")"
                                           + "&retryBudget=2m&initialBackoff=250&responseTimeout=30s").getConfiguration();

        assertThat(c.getRetryBudget()).isEqualTo(120_000);
        assertThat(c.getInitialBackoff()).isEqualTo(250);
        assertThat(c.getResponseTimeout()).isEqualTo(30_000);
    }

    @Test
    void plainHttpToAHostThatIsNotLoopbackIsRefusedWithoutQuotingTheUrl() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://portal.example.com/rest/1/c0de4321/)"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasRootCauseMessage("The webhookUrl uses plain http to host portal.example.com, which is not loopback: "
                                     + "use https, or set allowInsecureHttp=true")
                .satisfies(e -> assertThat(fullText(e)).doesNotContain("c0de4321"));
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?portalUrl=http://portal.example.com&accessToken=a"))
                .hasRootCauseMessage("The portalUrl uses plain http to host portal.example.com, which is not loopback: "
                                     + "use https, or set allowInsecureHttp=true");
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(ftp://portal.example.com/rest/1/c0de4321/)"))
                .hasRootCauseMessage("The webhookUrl must use https (got scheme ftp)");
    }

    @Test
    void plainHttpIsAllowedToLoopbackOrWhenExplicitlyAllowed() {
        assertThat(endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://127.0.0.1:8089/rest/1/c0de4321/)"))
                .isNotNull();
        assertThat(endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://localhost:8089/rest/1/c0de4321/)"))
                .isNotNull();
        assertThat(endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://[::1]:8089/rest/1/c0de4321/)"))
                .isNotNull();
        assertThat(endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(http://portal.example.com/rest/1/c0de4321/)"
                            + "&allowInsecureHttp=true")).isNotNull();
    }

    @Test
    void anOAuthTokenUrlOverPlainHttpIsRefusedToo() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?portalUrl=https://portal.example.com"
                                          + "&accessToken=a&oauthTokenUrl=http://oauth.example.com/oauth/token/"))
                .hasRootCauseMessage("The oauthTokenUrl uses plain http to host oauth.example.com, which is not loopback: "
                                     + "use https, or set allowInsecureHttp=true");
    }

    @Test
    void exactlyOneWayToAuthenticateIsRequired() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete"))
                .hasRootCauseMessage("A bitrix24 endpoint needs webhookUrl (incoming webhook) or portalUrl (OAuth)");
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")"
                                          + "&portalUrl=https://portal.example.com"))
                .hasRootCauseMessage("Configure either webhookUrl (incoming webhook) or portalUrl (OAuth), not both");
    }

    @Test
    void blankValuesOfUnsetPlaceholdersCountAsUnset() {
        Bitrix24Endpoint endpoint = endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")&portalUrl=");

        assertThat(endpoint.getConfiguration().isOAuth()).isFalse();
        assertThat(endpoint.getConfiguration().getPortalUrl()).isNull();
    }

    @Test
    void oauthModeWithoutAnyTokenIsRefusedWhenTheEndpointStarts() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?portalUrl=https://portal.example.com"))
                .satisfies(e -> assertThat(fullText(e)).contains("OAuth mode needs an accessToken"));
    }

    @Test
    void nonsensicalLimitsAreRefused() {
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")&maxAttempts=0"))
                .hasRootCauseMessage("maxAttempts must be at least 1");
        assertThatThrownBy(() -> endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")&activityId=-4"))
                .hasRootCauseMessage("activityId must be a positive integer");
    }

    @Test
    void theEndpointOnlyProduces() {
        Bitrix24Endpoint endpoint = endpoint("bitrix24:crm.activity.delete?webhookUrl=RAW(" + WEBHOOK + ")");

        assertThatThrownBy(() -> endpoint.createConsumer(exchange -> { }))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(endpoint.isSingleton()).isTrue();
    }

    @Test
    void componentOptionsBindFromCamelMainProperties() throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:component/main-binding.properties");
        CapturedOutput output = new CapturedOutput(Map.of("org.apache.camel", Level.INFO,
                "dev.camelbitrix24", Level.TRACE));
        try {
            main.start();
        } finally {
            output.close();
        }
        // Camel Main's summary masks the option because the catalog marks it secret (at DEBUG, camel-main itself
        // prints property values whose names are not on Camel's fixed list: see the docs' Secrets section)
        assertThat(output.logged()).contains("camel.component.bitrix24.webhookUrl = xxxxxx").doesNotContain("m4inC0de");
        try {
            Bitrix24Configuration c = main.getCamelContext()
                    .getEndpoint("bitrix24:crm.activity.delete", Bitrix24Endpoint.class).getConfiguration();

            assertThat(c.getWebhookUrl()).isEqualTo("https://portal.example.com/rest/1/m4inC0de/");
            assertThat(c.getMaxAttempts()).isEqualTo(2);
            assertThat(c.getRetryBudget()).isEqualTo(5_000);
            assertThat(c.getResponseTimeout()).isEqualTo(120_000);
            assertThat(c.getTokenStore()).isInstanceOfSatisfying(FileBitrix24TokenStore.class,
                    store -> assertThat(store.getFile()).isEqualTo("target/main-binding-tokens.json"));
            assertThat(c.getOauthTokenUrl()).isEqualTo("https://oauth.example.com/oauth/token/");
        } finally {
            main.stop();
        }
    }

    @Test
    void theCatalogMarksSecretsAndOffersEveryOptionAtComponentLevel() throws Exception {
        JsonNode catalog;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/camelbitrix24/component/bitrix24.json")) {
            catalog = new ObjectMapper().readTree(in);
        }
        for (String secret : List.of("webhookUrl", "clientSecret", "accessToken", "refreshToken")) {
            assertThat(catalog.path("properties").path(secret).path("secret").asBoolean()).as(secret).isTrue();
            assertThat(catalog.path("componentProperties").path(secret).path("secret").asBoolean()).as(secret).isTrue();
        }
        List<String> endpointOptions = new ArrayList<>();
        catalog.path("properties").fieldNames().forEachRemaining(endpointOptions::add);
        endpointOptions.remove("method");
        assertThat(endpointOptions).allSatisfy(option ->
                assertThat(catalog.path("componentProperties").has(option)).as(option).isTrue());
        assertThat(catalog.path("component").path("producerOnly").asBoolean()).isTrue();
        assertThat(catalog.path("component").path("async").asBoolean()).isTrue();
        assertThat(catalog.path("headers").has(Bitrix24Constants.OUTCOME)).isTrue();
    }

    private static String fullText(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
