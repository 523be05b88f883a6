package dev.camelbitrix24.springboot;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24Component;
import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.util.StringHelper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter binds camel.component.bitrix24.* onto the component Camel creates (durations converted, bean references
 * resolved), stays off when told to, and describes every component option of the catalog to the IDE.
 */
class Bitrix24ComponentAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(CamelAutoConfiguration.class, Bitrix24ComponentConverter.class,
                    Bitrix24ComponentAutoConfiguration.class));

    @Test
    void bindsTheComponentsProperties() {
        runner.withBean("tokens", Bitrix24TokenStore.class, InMemoryBitrix24TokenStore::new)
                .withPropertyValues("camel.component.bitrix24.portal-url=https://example.bitrix24.com",
                        "camel.component.bitrix24.client-id=app.example", "camel.component.bitrix24.token-store=#tokens",
                        "camel.component.bitrix24.retry-budget=2m", "camel.component.bitrix24.max-batch-wait=35",
                        "camel.component.bitrix24.rate-plan=enterprise", "camel.component.bitrix24.batching=true")
                .run(context -> {
                    Bitrix24Configuration bound = context.getBean(CamelContext.class)
                            .getComponent("bitrix24", Bitrix24Component.class).getConfiguration();
                    assertThat(bound.getPortalUrl()).isEqualTo("https://example.bitrix24.com");
                    assertThat(bound.getClientId()).isEqualTo("app.example");
                    assertThat(bound.getTokenStore()).isSameAs(context.getBean("tokens"));
                    assertThat(bound.getRetryBudget()).isEqualTo(120_000);
                    assertThat(bound.getMaxBatchWait()).as("a plain number is milliseconds").isEqualTo(35);
                    assertThat(bound.getRatePlan()).isEqualTo("enterprise");
                    assertThat(bound.isBatching()).isTrue();
                    assertThat(bound.getMaxAttempts()).as("an option not set keeps its default").isEqualTo(5);
                });
    }

    @Test
    void offWhenDisabled() {
        runner.withPropertyValues("camel.component.bitrix24.enabled=false",
                        "camel.component.bitrix24.webhook-url=https://example.bitrix24.com/rest/1/c0de/")
                .run(context -> assertThat(context.getBean(CamelContext.class)
                        .getComponent("bitrix24", Bitrix24Component.class).getConfiguration().getWebhookUrl()).isNull());
    }

    @Test
    void everyComponentOptionOfTheCatalogIsDescribedToTheIde() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode catalog = read(json, "META-INF/dev/camelbitrix24/component/bitrix24.json").path("componentProperties");
        Map<String, JsonNode> metadata = new HashMap<>();
        read(json, "META-INF/spring-configuration-metadata.json").path("properties")
                .forEach(property -> metadata.put(property.path("name").asText(), property));

        catalog.fields().forEachRemaining(option -> {
            String name = "camel.component.bitrix24." + StringHelper.camelCaseToDash(option.getKey());
            assertThat(metadata).as(name).containsKey(name);
            JsonNode property = metadata.get(name);
            assertThat(property.path("description").asText().replaceAll("\\s+", " "))
                    .as(name).startsWith(option.getValue().path("description").asText());
            JsonNode defaultValue = option.getValue().get("defaultValue");
            if (defaultValue != null && defaultValue.isNumber()) {
                // the catalog writes a double's default as 1.0, Spring Boot's metadata as 1
                assertThat(property.path("defaultValue").asDouble()).as(name + " default").isEqualTo(defaultValue.asDouble());
            } else if (defaultValue != null) {
                assertThat(property.path("defaultValue").asText()).as(name + " default").isEqualTo(defaultValue.asText());
            }
        });
    }

    private static JsonNode read(ObjectMapper json, String resource) throws Exception {
        try (InputStream in = Bitrix24ComponentAutoConfigurationTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return json.readTree(in);
        }
    }
}
