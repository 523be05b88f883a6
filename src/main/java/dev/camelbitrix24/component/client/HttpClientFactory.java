package dev.camelbitrix24.component.client;

import java.security.GeneralSecurityException;
import java.io.IOException;

import dev.camelbitrix24.component.Bitrix24Configuration;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds the asynchronous HttpClient 5 of an endpoint: TLS verified (the JVM's trust store, or the endpoint's
 * sslContextParameters), no automatic retries (the component retries itself, knowing which failures are safe),
 * no redirect following (the call itself re-sends a POST to a portal whose address changed), no cookies.
 */
public final class HttpClientFactory {

    private HttpClientFactory() {
    }

    public static CloseableHttpAsyncClient create(Bitrix24Configuration configuration, CamelContext camelContext) {
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
                .setUserAgent("camel-bitrix24")
                .build();
    }

    private static javax.net.ssl.SSLContext sslContext(Bitrix24Configuration configuration, CamelContext camelContext) {
        try {
            return configuration.getSslContextParameters().createSSLContext(camelContext);
        } catch (GeneralSecurityException | IOException e) {
            throw new RuntimeCamelException("Cannot create the SSL context from sslContextParameters", e);
        }
    }
}
