package dev.camelbitrix24.simulator.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** In an instance field the extension starts a simulator for each test (here with HTTPS) and stops it after. */
class Bitrix24SimulatorExtensionPerTestTest {

    @RegisterExtension
    final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().https().seed(5).build();

    @Test
    void startsForTheTestWithHttpsWhenAsked() {
        assertThat(sim.simulator().httpsPort()).isPositive();
        assertThat(sim.httpsBaseUrl()).startsWith("https://127.0.0.1:");
        assertThat(sim.clientSslContext()).isNotNull();
        assertThat(sim.control().activityCount()).isEqualTo(5);
    }
}
