package dev.camelbitrix24.component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.deleteFailure;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java DSL and YAML DSL examples of the docs, with direct: in place of kafka:, run against a scripted portal.
 */
class Bitrix24DslExamplesTest {

    private ScriptedPortal portal;
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        context = new DefaultCamelContext();
        context.getComponent("bitrix24", Bitrix24Component.class).getConfiguration()
                .setWebhookUrl(portal.baseUrl() + "/rest/1/c0de4321/");
    }

    @AfterEach
    void stop() {
        context.stop();
        portal.close();
    }

    @Test
    void theJavaDslExampleRoutesEachCategoryApart() throws Exception {
        List<String> routed = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Bitrix24Exception.class).handled(true)
                    .choice()
                        .when(e -> e.getProperty(Exchange.EXCEPTION_CAUGHT, Bitrix24Exception.class).getCategory()
                                   == Bitrix24ErrorCategory.TRANSIENT)
                            .process(e -> routed.add("dlq"))
                        .when(header(Bitrix24Constants.OUTCOME).isEqualTo("NOT_FOUND"))
                            .process(e -> routed.add("not-found"))
                        .otherwise()
                            .process(e -> routed.add("rejected"));

                from("direct:requests")
                    .routeId("delete-activity")
                    .to("bitrix24:crm.activity.delete?maxAttempts=1&retryBudget=60s")
                    .process(e -> routed.add("succeeded " + e.getMessage().getHeader(Bitrix24Constants.OUTCOME)));
            }
        });
        context.start();
        portal.then(success(), deleteFailure("Activity is not found."), deleteFailure("Access denied."),
                systemError(503, "OVERLOAD_LIMIT", "blocked"));

        for (long id = 1; id <= 4; id++) {
            context.createProducerTemplate().sendBody("direct:requests", "{\"id\":" + id + "}");
        }

        assertThat(routed).containsExactly("succeeded DELETED", "not-found", "rejected", "dlq");
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
        context.start();
        portal.then(success());

        Exchange exchange = context.createProducerTemplate().request("direct:requests",
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
