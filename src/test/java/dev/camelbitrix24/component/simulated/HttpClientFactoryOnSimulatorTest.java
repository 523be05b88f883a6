package dev.camelbitrix24.component.simulated;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24HttpClientFactory;
import dev.camelbitrix24.component.client.HttpClientFactory;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP client is handed to the component through its httpClientFactory option: a factory bean in the registry is
 * autowired, and every request of the endpoint, and of an OAuth application's token refresh, goes through the clients
 * it makes. The recorder keeps the method and the last path segment only: the path of a webhook holds its code.
 */
class HttpClientFactoryOnSimulatorTest extends SimulatorTestSupport {

    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** The component's defaults, plus an interceptor that records each request. */
    private final Bitrix24HttpClientFactory recording = (configuration, context) -> HttpClientFactory.INSTANCE
            .builder(configuration, context)
            .addRequestInterceptorFirst((request, entity, http) -> requests.add(request.getMethod() + " "
                                                                                + lastSegment(request.getPath())))
            .build();

    private static String lastSegment(String path) {
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String trimmed = withoutQuery.endsWith("/") ? withoutQuery.substring(0, withoutQuery.length() - 1) : withoutQuery;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    @Test
    void aFactoryInTheRegistryIsAutowiredAndCarriesTheDeletes() {
        camel.context().getRegistry().bind("recordingHttpClients", recording);

        Exchange exchange = delete(webhookUri(""), 42L);

        assertThat(exchange.getException()).isNull();
        assertThat(control.activityExists(42)).isFalse();
        assertThat(requests).containsExactly("POST crm.activity.delete.json");
        assertThat(camel.context().getComponent("bitrix24", Bitrix24Component.class).getHttpClientFactory())
                .isSameAs(recording);
    }

    @Test
    void theTokenRefreshGoesThroughTheFactorysClientToo() {
        control.registerOAuthApp("app.recorded", "r3cordedAppS3cret");
        TokenPair installed = control.issueTokens("app.recorded", 1);
        control.expireAccessTokens();
        camel.context().getComponent("bitrix24", Bitrix24Component.class).setHttpClientFactory(recording);

        Exchange exchange = delete("bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=app.recorded"
                                   + "&clientSecret=RAW(r3cordedAppS3cret)&accessToken=RAW(" + installed.accessToken()
                                   + ")&refreshToken=RAW(" + installed.refreshToken() + ")&oauthTokenUrl="
                                   + sim.oauthTokenUrl(), 43L);

        assertThat(exchange.getException()).isNull();
        assertThat(control.activityExists(43)).isFalse();
        assertThat(control.tokenRefreshCount()).isEqualTo(1);
        // the expired token's call, the refresh (its query, with the secrets, is not recorded), the call again
        assertThat(requests).containsExactly("POST crm.activity.delete.json", "GET token", "POST crm.activity.delete.json");
    }

    @Test
    void withoutAFactoryTheDefaultIsUsed() {
        Exchange exchange = delete(webhookUri(""), 44L);

        assertThat(exchange.getException()).isNull();
        assertThat(control.activityExists(44)).isFalse();
        assertThat(requests).isEmpty();
        assertThat(camel.context().getComponent("bitrix24", Bitrix24Component.class).getHttpClientFactory()).isNull();
    }
}
