package dev.camelbitrix24.component.simulated;

import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24HttpClientFactory;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS against the simulator's self-signed certificate: refused with the JVM's trust store (verification is on),
 * accepted once sslContextParameters trusts that certificate, or once the component's httpClientFactory makes clients
 * that trust it.
 */
class TlsOnSimulatorTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().https().webhookCode("tlsW3bh00kC0de")
            .seed(100).ratePlan(RatePlan.OFF).build();

    private CamelHarness camel;

    @BeforeEach
    void startCamel() {
        camel = new CamelHarness();
    }

    @AfterEach
    void stopCamel() {
        camel.close();
    }

    private String httpsWebhook() {
        return sim.httpsBaseUrl() + "/rest/1/tlsW3bh00kC0de/";
    }

    @Test
    void anUntrustedCertificateIsRefusedBeforeAnythingIsSentAndNotRetried() {
        Exchange exchange = camel.send("bitrix24:crm.activity.delete?webhookUrl=RAW(" + httpsWebhook() + ")", 5L);

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.getErrorDescription()).startsWith("The portal's TLS certificate is not trusted");
        assertThat(error.isRetriable()).isFalse();
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(sim.control().callCount("crm.activity.delete")).isZero();
        assertThat(sim.control().activityExists(5)).isTrue();
    }

    @Test
    void aTrustedCertificateCarriesTheCall() throws Exception {
        camel.context().getRegistry().bind("simulatorTls", SimulatorTrust.sslContextParameters(sim.simulator()));

        Exchange exchange = camel.send("bitrix24:crm.activity.delete?webhookUrl=RAW(" + httpsWebhook() + ")"
                                       + "&sslContextParameters=#simulatorTls", 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(sim.control().activityExists(5)).isFalse();
    }

    @Test
    void aClientFactoryWithItsOwnTlsSetupIsUsed() {
        // no sslContextParameters: only the factory's client trusts the simulator's certificate
        Bitrix24HttpClientFactory ownTls = (configuration, context) -> HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(sim.clientSslContext()).buildAsync())
                        .build())
                .disableAutomaticRetries().disableRedirectHandling()
                .build();
        camel.context().getComponent("bitrix24", Bitrix24Component.class).setHttpClientFactory(ownTls);

        Exchange exchange = camel.send("bitrix24:crm.activity.delete?webhookUrl=RAW(" + httpsWebhook() + ")", 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(sim.control().activityExists(5)).isFalse();
    }
}
