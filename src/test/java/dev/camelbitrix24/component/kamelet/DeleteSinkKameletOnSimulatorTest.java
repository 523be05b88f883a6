package dev.camelbitrix24.component.kamelet;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Endpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Kamelet {@code bitrix24-crm-activity-delete-sink}, as the component jar ships it under {@code kamelets/}, run
 * by camel-kamelet from a YAML route against the simulator: JSON in, the activity deleted, failures typed.
 */
class DeleteSinkKameletOnSimulatorTest extends CamelTestSupport {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().webhookCode("k4meletC0de")
            .seed(100).ratePlan(RatePlan.OFF).build();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties properties = new Properties();
        properties.setProperty("bitrix24.webhook-url", sim.webhookUrl());
        context.getPropertiesComponent().setOverrideProperties(properties);
        return context;
    }

    @Override
    protected void doPostSetup() throws Exception {
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "classpath:kamelet/delete-activity-route.yaml"));
    }

    @Test
    void aJsonRequestDeletesTheActivity() {
        template.sendBody("direct:delete", "{\"id\":7,\"requestId\":\"r-7\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(sim.control().activityExists(7)).isFalse();
        assertThat(sim.control().activityExists(8)).isTrue();
        assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo(1);
    }

    @Test
    void anActivityThatIsNotThereFailsTheExchangeAsNotFound() {
        CamelExecutionException failure = catchThrowableOfType(CamelExecutionException.class,
                () -> template.sendBody("direct:delete", "{\"id\":999999}"));

        assertThat(failure.getCause()).isInstanceOf(Bitrix24Exception.class);
        assertThat(((Bitrix24Exception) failure.getCause()).getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
    }

    @Test
    void theWebhookCodeShowsInNoEndpoint() {
        template.sendBody("direct:delete", "{\"id\":9}");

        assertThat(context.getEndpoints()).isNotEmpty();
        for (Endpoint endpoint : context.getEndpoints()) {
            assertThat(endpoint.toString()).doesNotContain("k4meletC0de");
        }
    }
}
