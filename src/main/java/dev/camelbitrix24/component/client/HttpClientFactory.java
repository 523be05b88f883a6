package dev.camelbitrix24.component.client;

import java.security.GeneralSecurityException;
import java.io.IOException;

import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24HttpClientFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;

/**
 * The component's default {@link Bitrix24HttpClientFactory}: builds the asynchronous HttpClient 5 of an endpoint with
 * TLS verified (the JVM's trust store, or the endpoint's sslContextParameters), no automatic retries (the component
 * retries itself, knowing which failures are safe), no redirect following (the call itself re-sends a POST to a portal
 * whose address changed), no cookies.
 */
public final class HttpClientFactory implements Bitrix24HttpClientFactory {

    public static final HttpClientFactory INSTANCE = new HttpClientFactory();

    private HttpClientFactory() {
    }

    @Override
    public CloseableHttpAsyncClient create(Bitrix24Configuration configuration, CamelContext camelContext) {
        return builder(configuration, camelContext).build();
    }

    /**
     * The default settings as a builder, for a factory that adds to them (a request interceptor, a proxy) and builds:
     * {@code (configuration, context) -> HttpClientFactory.INSTANCE.builder(configuration, context).setProxy(proxy).build()}.
     */
    public HttpAsyncClientBuilder builder(Bitrix24Configuration configuration, CamelContext camelContext) {
        TlsStrategy tls = configuration.getSslContextParameters() == null
                ? ClientTlsStrategyBuilder.create().useSystemProperties().buildAsync()
                : ClientTlsStrategyBuilder.create().setSslContext(sslContext(configuration, camelContext)).buildAsync();
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(configuration.getConnectTimeout()))
                .setSocketTimeout(Timeout.ofMilliseconds(configuration.getResponseTimeout()))
                .build();
        return HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(tls)
                        .setMaxConnTotal(configuration.getMaxConnections())
                        .setMaxConnPerRoute(configuration.getMaxConnections())
                        .setDefaultConnectionConfig(connection)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofMilliseconds(configuration.getResponseTimeout()))
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("camel-bitrix24");
    }

    private static javax.net.ssl.SSLContext sslContext(Bitrix24Configuration configuration, CamelContext camelContext) {
        try {
            return configuration.getSslContextParameters().createSSLContext(camelContext);
        } catch (GeneralSecurityException | IOException e) {
            throw new RuntimeCamelException("Cannot create the SSL context from sslContextParameters", e);
        }
    }
}
