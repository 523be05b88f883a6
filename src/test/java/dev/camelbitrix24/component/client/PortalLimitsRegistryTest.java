package dev.camelbitrix24.component.client;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortalLimitsRegistryTest {

    private final PortalLimitsRegistry registry = new PortalLimitsRegistry();

    private PortalLimits limits(String url) {
        return registry.forPortal(URI.create(url), "standard", 480_000, 5_000);
    }

    @Test
    void oneBucketPerPortalWhateverTheSpellingOfItsAddress() {
        PortalLimits first = limits("https://Portal.Bitrix24.com/rest/1/code/crm.activity.delete");
        assertThat(limits("https://portal.bitrix24.com:443/rest/crm.activity.delete")).isSameAs(first);
        assertThat(limits("HTTPS://portal.bitrix24.com/rest/1/other/batch")).isSameAs(first);
    }

    @Test
    void anotherHostPortOrSchemeIsAnotherPortal() {
        PortalLimits first = limits("https://portal.bitrix24.com/rest/crm.activity.delete");
        assertThat(limits("https://other.bitrix24.com/rest/crm.activity.delete")).isNotSameAs(first);
        assertThat(limits("https://portal.bitrix24.com:8443/rest/crm.activity.delete")).isNotSameAs(first);
        assertThat(limits("http://portal.bitrix24.com/rest/crm.activity.delete")).isNotSameAs(first);
    }
}
