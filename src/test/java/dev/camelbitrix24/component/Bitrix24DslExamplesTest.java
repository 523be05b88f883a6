package dev.camelbitrix24.component;

import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.deleteFailure;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java DSL and YAML DSL examples of the docs, with direct: and mock: in place of kafka:, run against a scripted
 * portal on Camel Test's CamelTestSupport.
 */
class Bitrix24DslExamplesTest extends CamelTestSupport {

    private ScriptedPortal portal;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        portal = new ScriptedPortal();
        CamelContext context = super.createCamelContext();
        context.getComponent("bitrix24", Bitrix24Component.class).getConfiguration()
                .setWebhookUrl(portal.baseUrl() + "/rest/1/c0de4321/");
        return context;
    }

    @Override
    protected void doPostTearDown() {
        portal.close();
    }

    @Test
    void theJavaDslExampleRoutesEachCategoryApart() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Bitrix24Exception.class).handled(true)
                    .choice()
                        .when(e -> e.getProperty(Exchange.EXCEPTION_CAUGHT, Bitrix24Exception.class).getCategory()
                                   == Bitrix24ErrorCategory.TRANSIENT)
                            .to("mock:dlq")
                        .when(header(Bitrix24Constants.OUTCOME).isEqualTo("NOT_FOUND"))
                            .to("mock:not-found")
                        .otherwise()
                            .to("mock:rejected");

                from("direct:requests")
                    .routeId("delete-activity")
                    .to("bitrix24:crm.activity.delete?maxAttempts=1&retryBudget=60s")
                    .to("mock:deleted");
            }
        });
        portal.then(success(), deleteFailure("Activity is not found."), deleteFailure("Access denied."),
                systemError(503, "OVERLOAD_LIMIT", "blocked"));
        getMockEndpoint("mock:deleted").expectedMessageCount(1);
        getMockEndpoint("mock:deleted").expectedHeaderReceived(Bitrix24Constants.OUTCOME, "DELETED");
        getMockEndpoint("mock:not-found").expectedBodiesReceived("{\"id\":2}");
        getMockEndpoint("mock:rejected").expectedBodiesReceived("{\"id\":3}");
        getMockEndpoint("mock:dlq").expectedBodiesReceived("{\"id\":4}");

        for (long id = 1; id <= 4; id++) {
            template.sendBody("direct:requests", "{\"id\":" + id + "}");
        }

        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void theYamlDslExampleDeletes() throws Exception {
        String yaml = """
                - route:
                    id: delete-activity
                    from:
                      uri: direct:requests
                      steps:
                        - to:
                            uri: bitrix24:crm.activity.delete
                            parameters:
                              maxAttempts: 5
                              retryBudget: 60s
                        - log:
                            message: "${header.CamelBitrix24Outcome} in ${header.CamelBitrix24Attempts} attempt(s)"
                """;
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("delete.yaml", yaml));
        portal.then(success());

        Exchange exchange = template.request("direct:requests",
                e -> e.getMessage().setBody("{\"id\":7}"));

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(portal.requests()).singleElement().extracting(ScriptedPortal.Request::body).isEqualTo("{\"id\":7}");
        Bitrix24Endpoint endpoint = context.getEndpoints().stream().filter(Bitrix24Endpoint.class::isInstance)
                .map(Bitrix24Endpoint.class::cast).findFirst().orElseThrow();
        assertThat(endpoint.getConfiguration().getRetryBudget()).isEqualTo(60_000);
        assertThat(endpoint.getConfiguration().getMaxAttempts()).isEqualTo(5);
    }
}
