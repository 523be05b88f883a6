package dev.camelbitrix24.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.MainHelper;

/**
 * The pipeline's settings as Camel Main will see them: {@code application.properties}, where a JVM system property
 * or an environment variable of the same name ({@code bitrix24.topic.requests} = {@code BITRIX24_TOPIC_REQUESTS})
 * overrides a value, and {@code {{env:NAME:default}}} placeholders read the contract's variables. Read before Camel
 * starts, to decide what to embed.
 */
public final class PipelineSettings {

    private final Map<String, String> overrides;
    private final CamelContext resolver;

    private PipelineSettings(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
        this.resolver = new DefaultCamelContext();
        resolver.getPropertiesComponent().setLocation("classpath:application.properties");
        Properties props = new Properties();
        props.putAll(overrides);
        resolver.getPropertiesComponent().setOverrideProperties(props);
    }

    public static PipelineSettings load() {
        return new PipelineSettings(Map.of());
    }

    /** Settings with some values replaced, as {@code Main.addOverrideProperty} does: for tests and embedded parts. */
    public static PipelineSettings load(Map<String, String> overrides) {
        return new PipelineSettings(overrides);
    }

    /** A copy with more values replaced. */
    public PipelineSettings with(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(more);
        return new PipelineSettings(all);
    }

    public Map<String, String> overrides() {
        return overrides;
    }

    /** The resolved value; fails when the key is not defined anywhere. */
    public String get(String key) {
        return resolver.resolvePropertyPlaceholders("{{" + key + "}}").trim();
    }

    /** The resolved value, or the default when the key is not defined anywhere. */
    public String get(String key, String defaultValue) {
        return resolver.getPropertiesComponent().resolveProperty(key)
                .map(v -> resolver.resolvePropertyPlaceholders(v).trim())
                .orElse(defaultValue);
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /**
     * Every setting whose key starts with {@code prefix}, resolved, from where Camel Main takes them:
     * {@code application.properties}, the overrides, JVM system properties and environment variables
     * ({@code CAMEL_COMPONENT_KAFKA_SSL_KEY_PASSWORD} is {@code camel.component.kafka.ssl-key-password}).
     */
    public Map<String, String> withPrefix(String prefix) {
        Set<String> keys = new TreeSet<>(resolver.getPropertiesComponent().loadProperties(k -> k.startsWith(prefix))
                .stringPropertyNames());
        keys.addAll(MainHelper.loadJvmSystemPropertiesAsProperties(new String[] {prefix}).stringPropertyNames());
        for (String key : MainHelper.loadEnvironmentVariablesAsProperties(new String[] {prefix}).stringPropertyNames()) {
            keys.add(prefix + key.substring(prefix.length()).replace('.', '-'));
        }
        Map<String, String> values = new TreeMap<>();
        keys.forEach(key -> values.put(key, get(key, "")));
        return values;
    }

    /** The Camel context that resolves these settings: for binding them to Camel's own configuration classes. */
    CamelContext camelContext() {
        return resolver;
    }

    /** True when the key resolves to something other than blank. */
    public boolean isSet(String key) {
        return !get(key, "").isBlank();
    }
}
