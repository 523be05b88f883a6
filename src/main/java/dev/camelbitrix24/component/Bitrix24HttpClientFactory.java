package dev.camelbitrix24.component;

import dev.camelbitrix24.component.client.HttpClientFactory;
import org.apache.camel.CamelContext;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * Makes the Apache HttpClient 5 (async) clients the component calls Bitrix24 with: one per endpoint, and one per OAuth
 * application and portal for its token refreshes. The component starts each client it gets and closes it when the
 * endpoint (or the last endpoint of the application) stops.
 * <p>
 * The default, {@link #DEFAULT}, verifies TLS (the JVM's trust store, or {@code sslContextParameters}), applies
 * {@code connectTimeout}, {@code responseTimeout} and {@code maxConnections}, and leaves retries, redirects and cookies
 * to the component. A bean of this type in the registry is picked up by the component's {@code httpClientFactory}
 * option (autowired): to record requests, add a proxy or another TLS setup. Start from
 * {@link HttpClientFactory#builder} to keep the defaults; a client that retried or followed redirects by itself would
 * send a delete the component does not know about.
 */
@FunctionalInterface
public interface Bitrix24HttpClientFactory {

    /** The component's own clients. */
    Bitrix24HttpClientFactory DEFAULT = HttpClientFactory.INSTANCE;

    /** A new client, not yet started, for the endpoint whose options are {@code configuration}. */
    CloseableHttpAsyncClient create(Bitrix24Configuration configuration, CamelContext camelContext);
}
