package example;

import java.util.Map;

import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application, booted by Spring Boot with its application.properties, deletes an activity on the simulator: the
 * webhook, the rate plan, batching, its wait and the attempts all reach the component from camel.component.bitrix24.*.
 */
@SpringBootTest
class DeleteActivityApplicationTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(50).ratePlan(RatePlan.OFF).build();

    /** What the environment gives the application in production: the webhook (with its secret code). */
    @DynamicPropertySource
    static void webhook(DynamicPropertyRegistry properties) {
        properties.add("BITRIX24_WEBHOOK_URL", sim::webhookUrl);
    }

    @Autowired
    private ProducerTemplate template;

    @Autowired
    private CamelContext camelContext;

    @Test
    void deletesTheActivityWithTheComponentsPropertiesFromApplicationProperties() {
        Object reply = template.requestBody("direct:delete-activity", 42L);

        assertEquals("DELETED", ((Map<?, ?>) reply).get("outcome"));
        assertFalse(sim.control().activityExists(42), "activity 42 is deleted");
        assertTrue(sim.control().activityExists(41));
        // batching=true: the delete went as a command of one batch call (which the simulator counts as a call too)
        assertEquals(1, sim.control().callCount("batch"));
        assertEquals(1, sim.control().callCount("crm.activity.delete"));

        Bitrix24Configuration bound = camelContext.getComponent("bitrix24", Bitrix24Component.class).getConfiguration();
        assertEquals("50/2", bound.getRatePlan());
        assertEquals(50, bound.getMaxBatchWait(), "max-batch-wait=50ms, converted to the component's milliseconds");
        assertEquals(3, bound.getMaxAttempts());
    }
}
