package dev.camelbitrix24.component.simulated;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the component against the project's Bitrix24 portal simulator over a real socket (127.0.0.1, ephemeral
 * port), started by {@link Bitrix24SimulatorExtension} as another project's tests would: one simulator per test class,
 * reset before each test, and a fresh CamelContext per test.
 */
abstract class SimulatorTestSupport {

    static final String WEBHOOK_CODE = "s1mW3bh00kC0de";
    static final String METHOD = "crm.activity.delete";

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().webhookCode(WEBHOOK_CODE).seed(1000)
            .ratePlan(RatePlan.OFF).randomSeed(42L).build();

    SimulatorControl control;
    CamelHarness camel;

    @BeforeEach
    void startCamel() {
        // the extension has reset the simulator before this runs
        control = sim.control();
        camel = new CamelHarness();
    }

    @AfterEach
    void stopCamel() {
        camel.close();
    }

    /** The webhook endpoint with short waits, so that retry rules show in milliseconds; {@code options} override. */
    String webhookUri(String options) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String pair : ("initialBackoff=20&rateLimitWait=100&" + options).split("&")) {
            if (!pair.isEmpty()) {
                merged.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        StringBuilder uri = new StringBuilder("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.webhookUrl() + ")");
        merged.forEach((name, value) -> uri.append('&').append(name).append('=').append(value));
        return uri.toString();
    }

    Exchange delete(String uri, Object body) {
        return camel.send(uri, body);
    }

    static Bitrix24Exception errorOf(Exchange exchange) {
        return exchange.getException(Bitrix24Exception.class);
    }
}
