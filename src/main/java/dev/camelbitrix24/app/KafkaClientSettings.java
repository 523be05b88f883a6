package dev.camelbitrix24.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How every Kafka client of the pipeline reaches the cluster: camel-kafka's own {@code camel.component.kafka.*}
 * configuration (brokers, security protocol, SASL, TLS trust and key stores, additional properties), so that the
 * routes, the outcome search, topic creation, the replay command and the token store all connect alike. The values
 * hold secrets (the JAAS configuration, store passwords): they go to Kafka clients only, which print them as
 * {@code [hidden]}; {@link #toString()} and {@link #describe()} show none.
 */
public final class KafkaClientSettings {

    static final String PREFIX = "camel.component.kafka.";

    private final KafkaConfiguration configuration;
    private final String bootstrapServers;

    private KafkaClientSettings(KafkaConfiguration configuration, String bootstrapServers) {
        this.configuration = configuration;
        this.bootstrapServers = bootstrapServers;
    }

    /** The settings of the running pipeline: its kafka component, as Camel Main configured it. */
    public static KafkaClientSettings from(CamelContext camelContext) {
        KafkaConfiguration configuration = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration();
        return new KafkaClientSettings(configuration, camelContext.resolvePropertyPlaceholders(configuration.getBrokers()));
    }

    /**
     * The same settings read before Camel starts (topic creation) or without it (the replay command): every
     * {@code camel.component.kafka.*} value of {@code application.properties}, the environment and the overrides,
     * bound to camel-kafka's configuration the way Camel Main binds them. Blank values count as unset.
     */
    public static KafkaClientSettings from(PipelineSettings settings) {
        KafkaConfiguration configuration = new KafkaConfiguration();
        Map<String, Object> options = new HashMap<>();
        settings.withPrefix(PREFIX).forEach((key, value) -> {
            if (!value.isBlank()) {
                options.put(StringHelper.dashToCamelCase(key.substring(PREFIX.length())), value);
            }
        });
        PropertyBindingSupport.build().withIgnoreCase(true).withCamelContext(settings.camelContext())
                .withTarget(configuration).withProperties(options).withRemoveParameters(false).bind();
        return new KafkaClientSettings(configuration, settings.get("bitrix24.kafka.bootstrap-servers"));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** camel-kafka's consumer properties with the bootstrap servers: a client adds or replaces its own settings. */
    public Properties consumer() {
        Properties props = configuration.createConsumerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** camel-kafka's producer properties with the bootstrap servers: a client adds or replaces its own settings. */
    public Properties producer() {
        Properties props = configuration.createProducerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** What an admin client takes of them: connection, security and the other common client settings. */
    public Map<String, Object> admin() {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> admin = new HashMap<>();
        consumer().forEach((key, value) -> {
            if (known.contains(key.toString())) {
                admin.put(key.toString(), value);
            }
        });
        return admin;
    }

    /** For the banner: the security protocol and, with SASL, the mechanism; never a credential. */
    public String describe() {
        Properties props = consumer();
        String protocol = props.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
        Object mechanism = props.get(SaslConfigs.SASL_MECHANISM);
        return protocol.startsWith("SASL") && mechanism != null ? protocol + ", " + mechanism : protocol;
    }

    @Override
    public String toString() {
        return "KafkaClientSettings[" + bootstrapServers + ", " + describe() + "]";
    }
}
