package example;

import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's one route, run by a plain Camel Main, deletes its activity on the simulator. */
class DeleteOneActivityTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(50).ratePlan(RatePlan.OFF).build();

    @Test
    void camelMainDeletesTheActivity() throws Exception {
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:routes/*.yaml").withDurationMaxMessages(1)
                .withDurationMaxSeconds(60);
        // only the component's own properties and the route's one value
        main.addInitialProperty("camel.component.bitrix24.webhook-url", sim.webhookUrl());
        main.addInitialProperty("activity.id", "42");

        main.run();

        assertFalse(sim.control().activityExists(42), "activity 42 is deleted");
        assertTrue(sim.control().activityExists(41));
        assertEquals(1, sim.control().callCount("crm.activity.delete"));
    }
}
