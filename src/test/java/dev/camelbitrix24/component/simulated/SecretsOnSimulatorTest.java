package dev.camelbitrix24.component.simulated;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24Endpoint;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secret search against the simulator: a known webhook code, client secret and issued tokens (and the tokens a
 * refresh rotates in) go through successes, failures, retries, a lost reply and a refresh, with the component's and
 * Camel's loggers at TRACE; nothing captured (logs, System.out/err, exceptions, headers, bodies, endpoints) holds any
 * of them. The simulator's own loggers are left out: the portal knows the secrets by design.
 */
class SecretsOnSimulatorTest extends SimulatorTestSupport {

    private static final String CLIENT_SECRET = "simCl13ntS3cretValue";
    private static final String USER_ONLY_CODE = "userOnlyS3cr3tC0de";

    @Test
    void noSecretAppearsInAnythingTheComponentShows() throws Exception {
        control.registerOAuthApp("app.secret", CLIENT_SECRET);
        control.addWebhook(1, USER_ONLY_CODE, Set.of("user"));
        TokenPair installed = control.issueTokens("app.secret", 1);
        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        StringBuilder seen = new StringBuilder();
        List<Exchange> results = new ArrayList<>();

        try (CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24.component", Level.TRACE,
                "org.apache.camel", Level.TRACE), List.of("dev.camelbitrix24.simulator", "io.vertx", "io.netty"))) {
            CamelContext webhook = context(webhookComponent(sim.webhookUrl()), "maxAttempts=2&initialBackoff=10&responseTimeout=1500");
            CamelContext userOnly = context(webhookComponent(sim.baseUrl() + "/rest/1/" + USER_ONLY_CODE + "/"), "");
            Bitrix24Component oauthComponent = new Bitrix24Component();
            Bitrix24Configuration oauth = oauthComponent.getConfiguration();
            oauth.setPortalUrl(sim.baseUrl());
            oauth.setClientId("app.secret");
            oauth.setClientSecret(CLIENT_SECRET);
            oauth.setAccessToken(installed.accessToken());
            oauth.setRefreshToken(installed.refreshToken());
            oauth.setOauthTokenUrl(sim.oauthTokenUrl());
            oauth.setTokenStore(store);
            CamelContext app = context(oauthComponent, "");
            try {
                ProducerTemplate viaWebhook = webhook.createProducerTemplate();
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(1L)));
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(999_999L)));
                control.injectFault(FaultSpec.internalServerError().onMethod(METHOD));
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(2L)));
                control.clearFaults();
                control.injectFault(FaultSpec.replyLost().times(1).onMethod(METHOD));
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(3L)));
                control.injectFault(FaultSpec.delay(Duration.ofMillis(3000)).times(1).onMethod(METHOD));
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(4L)));
                control.injectFault(FaultSpec.badGatewayHtml().onMethod(METHOD));
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody(5L)));
                control.clearFaults();
                results.add(viaWebhook.send("direct:delete", e -> e.getMessage().setBody("5&id=7")));
                results.add(userOnly.createProducerTemplate().send("direct:delete", e -> e.getMessage().setBody(6L)));
                control.expireAccessTokens();
                results.add(app.createProducerTemplate().send("direct:delete", e -> e.getMessage().setBody(8L)));

                assertThat(results).extracting(e -> e.getMessage().getHeader(Bitrix24Constants.OUTCOME))
                        .containsExactly("DELETED", "NOT_FOUND", "SERVER_ERROR", "DELETED", "DELETED", "SERVER_ERROR",
                                "INVALID_REQUEST", "INSUFFICIENT_SCOPE", "DELETED");
                assertThat(control.tokenRefreshCount()).isEqualTo(1);
                for (Exchange exchange : results) {
                    seen.append(exchange.getMessage().getHeaders()).append('\n').append(exchange.getMessage().getBody())
                            .append('\n');
                    if (exchange.getException() != null) {
                        StringWriter trace = new StringWriter();
                        exchange.getException().printStackTrace(new PrintWriter(trace));
                        seen.append(trace).append('\n');
                    }
                }
                for (CamelContext context : List.of(webhook, userOnly, app)) {
                    for (Endpoint endpoint : context.getEndpoints()) {
                        seen.append(endpoint).append('\n');
                        if (endpoint instanceof Bitrix24Endpoint bitrix24) {
                            seen.append(bitrix24.getConfiguration()).append('\n');
                        }
                    }
                    context.getRoutes().forEach(route -> seen.append(route).append('\n'));
                }
                seen.append(store).append(' ').append(store.load()).append('\n');
            } finally {
                webhook.stop();
                userOnly.stop();
                app.stop();
            }
            seen.append(output.text());
            assertThat(output.logged()).contains("crm.activity.delete id=8: access token refused (expired_token)");
        }

        Bitrix24TokenPair rotated = store.load().orElseThrow();
        List<String> secrets = List.of(WEBHOOK_CODE, USER_ONLY_CODE, CLIENT_SECRET, installed.accessToken(),
                installed.refreshToken(), rotated.getAccessToken(), rotated.getRefreshToken());
        String everything = seen.toString();
        Files.writeString(Path.of("target", "bitrix24-secrets-searched-simulator.txt"), everything);
        for (String secret : secrets) {
            assertThat(everything.contains(secret)).as("a secret occurs in what was captured").isFalse();
        }
    }

    private static Bitrix24Component webhookComponent(String webhookUrl) {
        Bitrix24Component component = new Bitrix24Component();
        component.getConfiguration().setWebhookUrl(webhookUrl);
        return component;
    }

    private static CamelContext context(Bitrix24Component component, String options) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addComponent("bitrix24", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:delete").to("bitrix24:crm.activity.delete" + (options.isEmpty() ? "" : "?" + options));
            }
        });
        context.start();
        return context;
    }
}
