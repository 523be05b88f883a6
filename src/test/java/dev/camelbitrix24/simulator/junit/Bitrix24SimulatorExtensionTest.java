package dev.camelbitrix24.simulator.junit;

import dev.camelbitrix24.simulator.RatePlan;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** In a static field the extension runs one simulator for the class, on an ephemeral port, reset before each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Bitrix24SimulatorExtensionTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(10)
            .ratePlan(RatePlan.OFF).webhookCode("extensionC0de").build();

    private static int portOfTheFirstTest;

    @Test
    @Order(1)
    void startsOnAnEphemeralLoopbackPort() {
        assertThat(sim.simulator().httpPort()).isNotEqualTo(8089).isPositive();
        assertThat(sim.webhookUrl()).isEqualTo("http://127.0.0.1:" + sim.simulator().httpPort() + "/rest/1/extensionC0de/");
        assertThat(sim.simulator().httpsPort()).isEqualTo(-1);
        portOfTheFirstTest = sim.simulator().httpPort();
        sim.control().addActivity();
        assertThat(sim.control().activityCount()).isEqualTo(11);
    }

    @Test
    @Order(2)
    void keepsTheServerButResetsItsStateBeforeEachTest() {
        assertThat(sim.simulator().httpPort()).isEqualTo(portOfTheFirstTest);
        assertThat(sim.control().activityCount()).isEqualTo(10);
    }
}
