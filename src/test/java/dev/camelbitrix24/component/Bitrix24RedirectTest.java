package dev.camelbitrix24.component;

import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.reply;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A moved portal answers 302 (PROTOCOL §1): the POST is re-sent to the new address, never downgraded, a bounded
 * number of times.
 */
class Bitrix24RedirectTest {

    private ScriptedPortal portal;
    private CamelHarness camel;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        camel = new CamelHarness();
        uri = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl() + "/rest/1/c0de4321/)";
    }

    @AfterEach
    void stop() {
        camel.close();
        portal.close();
    }

    @Test
    void aMovedPortalGetsTheSamePostAtItsNewAddress() {
        portal.then(reply(302, "", "Location", portal.baseUrl() + "/moved/rest/1/c0de4321/crm.activity.delete.json"),
                success());

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(portal.requests()).hasSize(2);
        assertThat(portal.requests().get(1).method()).isEqualTo("POST");
        assertThat(portal.requests().get(1).path()).isEqualTo("/moved/rest/1/c0de4321/crm.activity.delete.json");
        assertThat(portal.requests().get(1).body()).isEqualTo("{\"id\":5}");
    }

    @Test
    void aRelativeLocationIsResolvedAgainstTheCalledUrl() {
        portal.then(reply(301, "", "Location", "/elsewhere/crm.activity.delete.json"), success());

        assertThat(camel.send(uri, 5L).getException()).isNull();
        assertThat(portal.requests().get(1).path()).isEqualTo("/elsewhere/crm.activity.delete.json");
    }

    @Test
    void aRedirectToPlainHttpOnAnotherHostIsRefused() {
        portal.then(reply(302, "", "Location", "http://portal.example.com/rest/1/c0de4321/crm.activity.delete.json"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getHttpResponseCode()).isEqualTo(302);
        assertThat(error.getErrorDescription()).contains("portal.example.com").doesNotContain("c0de4321");
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void aMalformedLocationIsRefusedWithoutQuotingIt() {
        // a Location that URI cannot parse: its parser's message would quote it whole, webhook code included
        portal.then(reply(302, "", "Location", "https://portal example.com/rest/1/c0de4321/crm.activity.delete.json"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getErrorDescription()).contains("invalid Location").doesNotContain("c0de4321");
        assertThat(error.getMessage()).doesNotContain("c0de4321");
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void redirectsAreFollowedABoundedNumberOfTimes() {
        portal.otherwise(request -> reply(302, "", "Location", portal.baseUrl() + "/loop" + request.path()));

        Bitrix24Exception error = camel.send(uri + "&maxRedirects=2", 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getErrorDescription()).contains("maxRedirects=2");
        assertThat(portal.requests()).hasSize(3);
    }

    @Test
    void aRedirectWithoutLocationIsRefused() {
        portal.then(reply(302, ""));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getErrorDescription()).contains("without a Location");
    }
}
