package dev.camelbitrix24.component;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.URISupport;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.deleteFailure;
import static dev.camelbitrix24.component.support.ScriptedPortal.drop;
import static dev.camelbitrix24.component.support.ScriptedPortal.reply;
import static dev.camelbitrix24.component.support.ScriptedPortal.stall;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the component through routes, with JMX on and the loggers turned up, over every path that could carry a
 * secret (successes, typed failures, retries, timeouts, resets, redirects whose Location holds the webhook code, error
 * pages quoting the URL, token refresh, a refresh failure quoting the token), then searches everything it can see for
 * the webhook code, the tokens and the client secret: logs, System.out/err, exception messages and stack traces,
 * headers, bodies, endpoint URIs and toString(), and every JMX attribute.
 */
class Bitrix24SecretsTest {

    private static final String WEBHOOK_CODE = "S3cr3tW3bh00kC0de";
    private static final String CLIENT_SECRET = "Cl13ntS3cr3tValue";
    private static final String ACCESS_TOKEN = "Acc3ssT0kenValue";
    private static final String REFRESH_TOKEN = "R3freshT0kenValue";
    private static final String NEW_ACCESS_TOKEN = "N3wAcc3ssT0kenValue";
    private static final String NEW_REFRESH_TOKEN = "N3wR3freshT0kenValue";
    private static final List<String> SECRETS = List.of(WEBHOOK_CODE, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN,
            NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN);
    private static final String LIMITS = "maxAttempts=2&initialBackoff=10&responseTimeout=1500";

    /**
     * The configuration the README recommends (and the pipeline uses): secrets as component options, so endpoint URIs
     * carry none. Everything at TRACE, Camel's own loggers included.
     */
    @Test
    void secretsSetOnTheComponentAppearNowhereEvenAtTrace() throws Exception {
        String everything;
        try (ScriptedPortal portal = new ScriptedPortal();
             CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24", Level.TRACE,
                     "org.apache.camel", Level.TRACE))) {
            Bitrix24Component webhook = new Bitrix24Component();
            webhook.getConfiguration().setWebhookUrl(portal.baseUrl() + "/rest/1/" + WEBHOOK_CODE + "/");
            Bitrix24Component oauth = new Bitrix24Component();
            oauth.getConfiguration().setPortalUrl(portal.baseUrl());
            oauth.getConfiguration().setClientId("app.1");
            oauth.getConfiguration().setClientSecret(CLIENT_SECRET);
            oauth.getConfiguration().setAccessToken(ACCESS_TOKEN);
            oauth.getConfiguration().setRefreshToken(REFRESH_TOKEN);
            oauth.getConfiguration().setOauthTokenUrl(portal.baseUrl() + "/oauth/token/");
            everything = runEveryPath(portal, output, webhook, "bitrix24:crm.activity.delete?" + LIMITS,
                    oauth, "bitrix24:crm.activity.delete?maxAttempts=1");
        }

        assertNoSecretIn(everything, "component-options");
    }

    /**
     * Secrets written into endpoint URIs: Camel masks them wherever it prints or registers a URI (webhookUrl only
     * because the component adds it to the sensitive keywords). Camel's own loggers at DEBUG: at TRACE, Camel core
     * logs raw URIs while resolving an endpoint, before any component is involved, which is why the docs recommend
     * component options for secrets.
     */
    @Test
    void secretsWrittenInEndpointUrisAreMaskedWhereverCamelShowsAUri() throws Exception {
        String everything;
        try (ScriptedPortal portal = new ScriptedPortal();
             CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24", Level.TRACE,
                     "org.apache.camel", Level.DEBUG))) {
            String webhookUri = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl() + "/rest/1/"
                                + WEBHOOK_CODE + "/)&" + LIMITS;
            String oauthUri = "bitrix24:crm.activity.delete?portalUrl=" + portal.baseUrl()
                              + "&clientId=app.1&clientSecret=RAW(" + CLIENT_SECRET + ")&accessToken=RAW(" + ACCESS_TOKEN
                              + ")&refreshToken=RAW(" + REFRESH_TOKEN + ")&oauthTokenUrl=" + portal.baseUrl()
                              + "/oauth/token/&maxAttempts=1";
            everything = runEveryPath(portal, output, new Bitrix24Component(), webhookUri, new Bitrix24Component(),
                    oauthUri);
        }

        assertThat(everything).contains("webhookUrl=xxxxxx").contains("accessToken=xxxxxx")
                .contains("clientSecret=xxxxxx");
        assertNoSecretIn(everything, "uri-options");
    }

    private static void assertNoSecretIn(String everything, String name) throws Exception {
        // kept for review: what was searched (it holds no secret when the test passes)
        Files.writeString(Path.of("target", "bitrix24-secrets-searched-" + name + ".txt"), everything);
        assertThat(everything).as("something was masked where a secret would be").contains("xxxxxx");
        for (String secret : SECRETS) {
            assertThat(everything.contains(secret)).as("the text searched contains " + secret).isFalse();
        }
    }

    /** Drives every path through two contexts (webhook, OAuth) and returns all the text they show. */
    private static String runEveryPath(ScriptedPortal portal, CapturedOutput output, Bitrix24Component webhook,
                                       String webhookUri, Bitrix24Component oauth, String oauthUri) throws Exception {
        StringBuilder seen = new StringBuilder();
        List<Exchange> results = new ArrayList<>();
        CamelContext webhookContext = context(webhook, webhookUri);
        CamelContext oauthContext = context(oauth, oauthUri);
        try {
            portal.then(success(),
                    deleteFailure("Activity is not found."),
                    systemError(500, "INTERNAL_SERVER_ERROR", "Internal server error"), deleteFailure("Access denied."),
                    stall(2500), deleteFailure("Activity is not found."),
                    drop(),
                    reply(502, "<html>upstream failed for /rest/1/" + WEBHOOK_CODE + "/crm.activity.delete.json</html>",
                            "Content-Type", "text/html"),
                    // nothing was answered since that call began: the component asks profile, which answers, so the
                    // 502 was the call's own failure
                    success(),
                    reply(404, "{\"error\":\"ERROR_METHOD_NOT_FOUND\",\"error_description\":\"No /rest/1/" + WEBHOOK_CODE
                               + "/x\"}"),
                    reply(302, "", "Location", "http://moved.example.com/rest/1/" + WEBHOOK_CODE + "/crm.activity.delete.json"),
                    reply(302, "", "Location", portal.baseUrl() + "/moved/rest/1/" + WEBHOOK_CODE + "/crm.activity.delete.json"),
                    success());
            ProducerTemplate webhookTemplate = webhookContext.createProducerTemplate();
            for (Object body : List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, "abc", 8L)) {
                results.add(webhookTemplate.send("direct:delete", e -> e.getMessage().setBody(body)));
            }
            portal.then(systemError(401, "expired_token", "The access token provided has expired"),
                    reply(200, "{\"access_token\":\"" + NEW_ACCESS_TOKEN + "\",\"refresh_token\":\"" + NEW_REFRESH_TOKEN
                               + "\",\"expires_in\":3600}"),
                    success(),
                    systemError(401, "invalid_token", "Token " + NEW_ACCESS_TOKEN + " is invalid"),
                    systemError(400, "invalid_grant", "Refresh token " + NEW_REFRESH_TOKEN + " is not valid"));
            ProducerTemplate oauthTemplate = oauthContext.createProducerTemplate();
            results.add(oauthTemplate.send("direct:delete", e -> e.getMessage().setBody(9L)));
            results.add(oauthTemplate.send("direct:delete", e -> e.getMessage().setBody(10L)));

            // the paths above were really taken
            assertThat(results).extracting(e -> e.getMessage().getHeader(Bitrix24Constants.OUTCOME))
                    .containsExactly("DELETED", "NOT_FOUND", "ACCESS_DENIED", "DELETED", "SERVER_ERROR", "REFUSED",
                            "REFUSED", "INVALID_REQUEST", "DELETED", "DELETED", "AUTHENTICATION_FAILED");
            assertThat(results.get(3).getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
            assertThat(portal.requests().size()).isEqualTo(18);

            for (Exchange exchange : results) {
                seen.append(exchange.getMessage().getHeaders()).append('\n');
                seen.append(exchange.getMessage().getBody()).append('\n');
                if (exchange.getException() != null) {
                    StringWriter trace = new StringWriter();
                    exchange.getException().printStackTrace(new PrintWriter(trace));
                    seen.append(exchange.getException().getMessage()).append('\n').append(trace).append('\n');
                }
            }
            for (CamelContext context : List.of(webhookContext, oauthContext)) {
                describe(context, seen);
            }
        } finally {
            webhookContext.stop();
            oauthContext.stop();
        }
        seen.append(output.text());
        assertThat(output.logged()).as("the component's TRACE/DEBUG lines were captured")
                .contains("crm.activity.delete id=6: attempt 1")
                .contains("access token refused (expired_token), refreshing");
        return seen.toString();
    }

    private static CamelContext context(Bitrix24Component component, String uri) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addComponent("bitrix24", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:delete").routeId("delete").to(uri);
            }
        });
        context.start();
        return context;
    }

    /** Endpoints, configurations, token stores, routes and JMX of a context, as text. */
    private static void describe(CamelContext context, StringBuilder seen) throws Exception {
        for (Endpoint endpoint : context.getEndpoints()) {
            seen.append(endpoint).append('\n').append(URISupport.sanitizeUri(endpoint.getEndpointUri())).append('\n');
            if (endpoint instanceof Bitrix24Endpoint bitrix24) {
                Bitrix24Configuration configuration = bitrix24.getConfiguration();
                seen.append(configuration).append('\n');
                if (configuration.getTokenStore() != null) {
                    seen.append(configuration.getTokenStore()).append(' ')
                            .append(configuration.getTokenStore().load()).append('\n');
                }
            }
        }
        context.getRoutes().forEach(route -> seen.append(route).append(' ').append(route.getEndpoint()).append('\n'));
        String jmx = jmxText(context);
        assertThat(jmx).as("JMX registers the bitrix24 endpoint").contains("bitrix24://crm.activity.delete");
        seen.append(jmx);
    }

    /** Every ObjectName of this context and the string form of every readable attribute of its MBeans. */
    private static String jmxText(CamelContext context) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder text = new StringBuilder();
        for (ObjectName name : server.queryNames(
                new ObjectName("org.apache.camel:context=" + context.getManagementName() + ",*"), null)) {
            text.append(name).append('\n');
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                if (!attribute.isReadable()) {
                    continue;
                }
                try {
                    text.append(attribute.getName()).append('=').append(server.getAttribute(name, attribute.getName()))
                            .append('\n');
                } catch (Exception | LinkageError e) {
                    // some attributes are not readable in this state; they cannot show anything either
                }
            }
        }
        return text.toString();
    }
}
