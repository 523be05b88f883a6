package dev.camelbitrix24.springboot;

import dev.camelbitrix24.component.Bitrix24Component;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Configures the bitrix24 component from {@code camel.component.bitrix24.*}, the way Apache Camel's own component
 * starters do: a {@link ComponentCustomizer} copies the bound {@link Bitrix24ComponentConfiguration} onto the component
 * when Camel creates it. Off with {@code camel.component.bitrix24.enabled=false} (or
 * {@code camel.component.bitrix24.customizer.enabled=false}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, Bitrix24ComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.bitrix24" })
public class Bitrix24ComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final CamelContext camelContext;
    private final Bitrix24ComponentConfiguration configuration;

    public Bitrix24ComponentAutoConfiguration(ApplicationContext applicationContext, CamelContext camelContext,
                                              Bitrix24ComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.camelContext = camelContext;
        this.configuration = configuration;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configureBitrix24Component() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        "camel.component.bitrix24.customizer") && target instanceof Bitrix24Component;
            }
        };
    }
}
