package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting, addressing and stopping a simulator through the public Java API. */
class SimulatorLifecycleTest {

    private final SimulatorHttpClient http = new SimulatorHttpClient();

    @Test
    void urlsPointAtTheEphemeralPortAndHttpsIsOffWhenAsked() throws Exception {
        try (Bitrix24Simulator sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("s3cr3t")
                .seed(3).start()) {
            assertThat(sim.httpPort()).isPositive();
            assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.httpPort());
            assertThat(sim.webhookUrl()).isEqualTo(sim.baseUrl() + "/rest/1/s3cr3t/");
            assertThat(sim.oauthTokenUrl()).isEqualTo(sim.baseUrl() + "/oauth/token/");
            assertThat(sim.httpsPort()).isEqualTo(-1);
            assertThat(sim.httpsBaseUrl()).isNull();
            assertThat(sim.clientSslContext()).isNull();
            assertThat(sim.toString()).doesNotContain("s3cr3t");
            assertThat(sim.control().activityCount()).isEqualTo(3);
            assertThat(sim.control().ratePlan()).isEqualTo(RatePlan.STANDARD);
            assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
        }
    }

    @Test
    void closingReleasesThePortForTheNextSimulator() throws Exception {
        int port;
        try (Bitrix24Simulator first = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(1).start()) {
            port = first.httpPort();
        }
        try (Bitrix24Simulator second = Bitrix24Simulator.builder().httpPort(port).httpsPort(-1).seed(1).start()) {
            assertThat(http.get(second.webhookUrl() + "profile").status()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortFailsTheStartWithAClearMessage() {
        try (Bitrix24Simulator first = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(1).start()) {
            assertThatThrownBy(() -> Bitrix24Simulator.builder().httpPort(first.httpPort()).httpsPort(-1).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not start");
        }
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> Bitrix24Simulator.builder().httpPort(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bitrix24Simulator.builder().webhookCode("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bitrix24Simulator.builder().seed(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RatePlan.custom(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RatePlan.parse("gold")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultSpec.replyLost().fraction(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RatePlan.parse("Enterprise")).isEqualTo(RatePlan.ENTERPRISE);
        assertThat(RatePlan.parse("off").enabled()).isFalse();
    }

    @Test
    void tokenPairNeverPrintsItsTokens() {
        assertThat(new TokenPair("access-secret", "refresh-secret").toString())
                .doesNotContain("access-secret").doesNotContain("refresh-secret");
    }
}
