package dev.camelbitrix24.springboot;

import java.util.Set;
import java.util.stream.Collectors;

import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24HttpClientFactory;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Lets the bean options of {@code camel.component.bitrix24.*} name a Spring bean, as in Camel:
 * {@code camel.component.bitrix24.token-store=#myTokenStore} (or {@code #bean:myTokenStore}). Listed in
 * {@code AutoConfiguration.imports} beside {@link Bitrix24ComponentAutoConfiguration}, as Camel's starters list theirs.
 */
@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesBinding
public class Bitrix24ComponentConverter implements GenericConverter {

    private static final Set<Class<?>> BEAN_OPTIONS = Set.of(Bitrix24Configuration.class, Bitrix24CallListener.class,
            Bitrix24HttpClientFactory.class, SSLContextParameters.class, Bitrix24TokenStore.class);

    private final ApplicationContext applicationContext;

    public Bitrix24ComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return BEAN_OPTIONS.stream().map(type -> new ConvertiblePair(String.class, type)).collect(Collectors.toSet());
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null || !source.toString().startsWith("#")) {
            return null;
        }
        String ref = source.toString();
        String name = ref.startsWith("#bean:") ? ref.substring("#bean:".length()) : ref.substring(1);
        return applicationContext.getBean(name, targetType.getType());
    }
}
