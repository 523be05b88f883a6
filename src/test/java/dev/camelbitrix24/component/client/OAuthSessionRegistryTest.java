package dev.camelbitrix24.component.client;

import java.net.URI;

import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OAuthSessionRegistryTest {

    private static final URI TOKEN_URL = URI.create("https://oauth.bitrix.info/oauth/token/");
    private static final Bitrix24TokenPair PAIR = new Bitrix24TokenPair("access-1", "refresh-1");

    private final OAuthSessionRegistry registry = new OAuthSessionRegistry();
    private int clientsCreated;

    private CloseableHttpAsyncClient http() {
        clientsCreated++;
        return HttpAsyncClients.createDefault();
    }

    private OAuthSessionRegistry.Lease acquire(URI tokenUrl, String clientId, String portal, Bitrix24TokenPair initial) {
        return registry.acquire(tokenUrl, clientId, "secret-1", portal, null, initial, this::http);
    }

    @Test
    void sameApplicationOnTheSamePortalSharesOneSessionAndOneRefreshClient() {
        OAuthSessionRegistry.Lease first = acquire(TOKEN_URL, "app.1", "https://Portal.example.com", PAIR);
        OAuthSessionRegistry.Lease second = acquire(URI.create("https://OAUTH.bitrix.info:443/oauth/token"), "app.1",
                "https://portal.example.com:443/", new Bitrix24TokenPair("access-0", "refresh-0"));

        assertThat(second.session()).isSameAs(first.session());
        assertThat(second.session().current()).as("the session's pair wins over later configured tokens").isEqualTo(PAIR);
        assertThat(clientsCreated).isEqualTo(1);
        assertThat(registry.users(TOKEN_URL, "app.1", "https://portal.example.com")).isEqualTo(2);

        first.release();
        first.release();
        assertThat(registry.users(TOKEN_URL, "app.1", "https://portal.example.com")).isEqualTo(1);
        second.release();
        assertThat(registry.users(TOKEN_URL, "app.1", "https://portal.example.com")).isZero();

        // the session (and its pair) outlives its endpoints; a new refresh client is made for the next one
        OAuthSessionRegistry.Lease again = acquire(TOKEN_URL, "app.1", "https://portal.example.com", null);
        assertThat(again.session()).isSameAs(first.session());
        assertThat(clientsCreated).isEqualTo(2);
        again.release();
    }

    @Test
    void anotherClientIdPortalOrTokenUrlGetsItsOwnSession() {
        OAuthSession base = acquire(TOKEN_URL, "app.1", "https://portal.example.com", PAIR).session();

        assertThat(acquire(TOKEN_URL, "app.2", "https://portal.example.com", PAIR).session()).isNotSameAs(base);
        assertThat(acquire(TOKEN_URL, "app.1", "https://other.example.com", PAIR).session()).isNotSameAs(base);
        assertThat(acquire(URI.create("https://oauth.example.com/token/"), "app.1", "https://portal.example.com", PAIR)
                .session()).isNotSameAs(base);
        registry.closeAll();
    }

    @Test
    void aSessionWithoutAnyPairIsRefusedAndNotRegistered() {
        assertThatThrownBy(() -> acquire(TOKEN_URL, "app.1", "https://portal.example.com", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.users(TOKEN_URL, "app.1", "https://portal.example.com")).isZero();
        assertThat(clientsCreated).isZero();

        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        store.save(PAIR);
        OAuthSessionRegistry.Lease lease = registry.acquire(TOKEN_URL, "app.1", "secret-1", "https://portal.example.com",
                store, null, this::http);
        assertThat(lease.session().current()).isEqualTo(PAIR);
        assertThat(lease.secrets()).contains("access-1", "refresh-1", "secret-1");
        lease.release();
    }
}
