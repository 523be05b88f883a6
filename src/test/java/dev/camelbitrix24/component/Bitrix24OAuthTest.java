package dev.camelbitrix24.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.reply;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OAuth application mode against a scripted portal that also plays the OAuth server: the access token travels as
 * {@code auth}, an expired token is refreshed once for all concurrent callers, the call repeated, and the rotated pair
 * handed to the token store.
 */
class Bitrix24OAuthTest {

    private static final String TOKEN_PATH = "/oauth/token/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScriptedPortal portal;
    private CamelHarness camel;
    private InMemoryBitrix24TokenStore store;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        camel = new CamelHarness();
        store = new InMemoryBitrix24TokenStore();
        camel.context().getRegistry().bind("store", store);
        uri = "bitrix24:crm.activity.delete?portalUrl=" + portal.baseUrl() + "&clientId=app.1&clientSecret=RAW(cl1entS3cret)"
              + "&accessToken=RAW(acc3ssOld)&refreshToken=RAW(r3freshOld)&oauthTokenUrl=" + portal.baseUrl() + TOKEN_PATH
              + "&tokenStore=#store&initialBackoff=10";
    }

    @AfterEach
    void stop() {
        camel.close();
        portal.close();
    }

    private static String authOf(ScriptedPortal.Request request) {
        try {
            return MAPPER.readTree(request.body()).path("auth").asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    private List<ScriptedPortal.Request> tokenRequests() {
        return portal.requests().stream().filter(r -> r.path().equals(TOKEN_PATH)).toList();
    }

    private static ScriptedPortal.Action newPair() {
        return reply(200, "{\"access_token\":\"acc3ssNew\",\"refresh_token\":\"r3freshNew\",\"expires_in\":3600,"
                          + "\"domain\":\"oauth.bitrix.info\",\"status\":\"F\"}");
    }

    @Test
    void theAccessTokenTravelsAsAuthToThePortalRestUrl() {
        portal.then(success());

        assertThat(camel.send(uri, 5L).getException()).isNull();

        ScriptedPortal.Request request = portal.requests().get(0);
        assertThat(request.path()).isEqualTo("/rest/crm.activity.delete.json");
        assertThat(authOf(request)).isEqualTo("acc3ssOld");
        assertThat(request.body()).contains("\"id\":5");
    }

    @Test
    void concurrentExpiredTokenRepliesMakeOneRefreshAndEveryCallSucceeds() throws Exception {
        int calls = 8;
        CountDownLatch allRefused = new CountDownLatch(calls);
        portal.otherwise(request -> {
            if (request.path().equals(TOKEN_PATH)) {
                return newPair();
            }
            if ("acc3ssNew".equals(authOf(request))) {
                return success();
            }
            // hold each 401 until every call has one, so that all of them race to refresh
            allRefused.countDown();
            return exchange -> {
                try {
                    allRefused.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                systemError(401, "expired_token", "The access token provided has expired").perform(exchange);
            };
        });

        ProducerTemplate template = camel.context().createProducerTemplate();
        List<Future<Exchange>> results = new ArrayList<>();
        for (long id = 1; id <= calls; id++) {
            long activityId = id;
            results.add(template.asyncSend(uri, exchange -> exchange.getMessage().setBody(activityId)));
        }
        for (Future<Exchange> result : results) {
            Exchange exchange = result.get(10, TimeUnit.SECONDS);
            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
            assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        }

        assertThat(allRefused.getCount()).isZero();
        assertThat(tokenRequests()).singleElement().satisfies(refresh -> {
            assertThat(refresh.method()).isEqualTo("GET");
            assertThat(refresh.query()).contains("grant_type=refresh_token", "client_id=app.1",
                    "client_secret=cl1entS3cret", "refresh_token=r3freshOld");
        });
        assertThat(store.load()).contains(new Bitrix24TokenPair("acc3ssNew", "r3freshNew"));
    }

    @Test
    void theRotatedRefreshTokenIsUsedForTheNextRefresh() {
        portal.then(systemError(401, "expired_token", "expired"), newPair(), success(),
                systemError(401, "invalid_token", "invalid"),
                reply(200, "{\"access_token\":\"acc3ss3\",\"refresh_token\":\"r3fresh3\"}"), success());

        assertThat(camel.send(uri, 1L).getException()).isNull();
        assertThat(camel.send(uri, 2L).getException()).isNull();

        assertThat(tokenRequests()).extracting(ScriptedPortal.Request::query)
                .satisfiesExactly(q -> assertThat(q).contains("refresh_token=r3freshOld"),
                        q -> assertThat(q).contains("refresh_token=r3freshNew"));
        assertThat(store.load()).contains(new Bitrix24TokenPair("acc3ss3", "r3fresh3"));
    }

    @Test
    void aFailedRefreshIsAnAuthenticationFailureWithTheOAuthServersCode() {
        portal.then(systemError(401, "expired_token", "The access token provided has expired"),
                systemError(400, "invalid_grant", "Invalid refresh token"));

        Exchange exchange = camel.send(uri, 5L);

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("invalid_grant");
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(store.load()).isEmpty();
    }

    @Test
    void aTokenRefusedAgainAfterTheRefreshIsNotRefreshedTwice() {
        portal.then(systemError(401, "expired_token", "expired"), newPair(), systemError(401, "expired_token", "expired"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("expired_token");
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(tokenRequests()).hasSize(1);
    }

    @Test
    void withoutARefreshTokenAnExpiredTokenIsAnAuthenticationFailure() {
        portal.then(systemError(401, "expired_token", "expired"));
        String withoutRefresh = "bitrix24:crm.activity.delete?portalUrl=" + portal.baseUrl()
                                + "&clientId=app.1&clientSecret=RAW(cl1entS3cret)&accessToken=RAW(acc3ssOld)";

        Bitrix24Exception error = camel.send(withoutRefresh, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("expired_token");
        assertThat(error.getErrorDescription()).isEqualTo("expired");
        assertThat(error.getHttpResponseCode()).isEqualTo(401);
        assertThat(error.getCause()).hasMessageContaining("cannot be refreshed");
        assertThat(tokenRequests()).isEmpty();
    }

    @Test
    void aPairInTheStoreWinsOverTheConfiguredTokens() {
        store.save(new Bitrix24TokenPair("acc3ssStored", "r3freshStored"));
        portal.then(success());

        camel.send(uri, 5L);

        assertThat(authOf(portal.requests().get(0))).isEqualTo("acc3ssStored");
    }

    @Test
    void aWebhookNeverRefreshes() {
        portal.then(systemError(401, "expired_token", "expired"));
        String webhook = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl() + "/rest/1/c0de4321/)";

        Bitrix24Exception error = camel.send(webhook, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(tokenRequests()).isEmpty();
        assertThat(authOf(portal.requests().get(0))).isNull();
    }

    @Test
    void aCustomStoreReceivesTheRotatedPair() {
        List<Bitrix24TokenPair> saved = new ArrayList<>();
        camel.context().getRegistry().bind("recording", new Bitrix24TokenStore() {
            @Override
            public Optional<Bitrix24TokenPair> load() {
                return Optional.empty();
            }

            @Override
            public void save(Bitrix24TokenPair tokens) {
                saved.add(tokens);
            }
        });
        portal.then(systemError(401, "invalid_token", "invalid"), newPair(), success());

        assertThat(camel.send(uri.replace("#store", "#recording"), 5L).getException()).isNull();
        assertThat(saved).containsExactly(new Bitrix24TokenPair("acc3ssNew", "r3freshNew"));
    }

    @Test
    void stoppingTheEndpointWhoseCallStartedTheRefreshDoesNotCutItForTheOthers() throws Exception {
        CountDownLatch refreshRequested = new CountDownLatch(1);
        CountDownLatch releaseRefresh = new CountDownLatch(1);
        portal.otherwise(request -> {
            if (request.path().equals(TOKEN_PATH)) {
                return exchange -> {
                    refreshRequested.countDown();
                    try {
                        releaseRefresh.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    newPair().perform(exchange);
                };
            }
            return "acc3ssNew".equals(authOf(request)) ? success()
                    : systemError(401, "expired_token", "The access token provided has expired");
        });
        String first = uri + "&maxAttempts=3";
        String second = uri + "&maxAttempts=4";
        ProducerTemplate template = camel.context().createProducerTemplate();

        Future<Exchange> fromFirst = template.asyncSend(first, e -> e.getMessage().setBody(1L));
        assertThat(refreshRequested.await(5, TimeUnit.SECONDS)).isTrue();
        Future<Exchange> fromSecond = template.asyncSend(second, e -> e.getMessage().setBody(2L));
        await().atMost(5, TimeUnit.SECONDS).until(() -> portal.requests().stream().anyMatch(r -> r.body().contains("\"id\":2")));
        Thread.sleep(200); // the second call's 401 reaches the session and joins the refresh
        camel.context().getEndpoint(first).stop();
        assertThat(fromFirst.get(5, TimeUnit.SECONDS).getException(Bitrix24Exception.class).getType())
                .isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        releaseRefresh.countDown();

        Exchange exchange = fromSecond.get(10, TimeUnit.SECONDS);
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(tokenRequests()).hasSize(1);
        assertThat(store.load()).contains(new Bitrix24TokenPair("acc3ssNew", "r3freshNew"));
    }

    @Test
    void aSecondEndpointWithAnotherStoreUsesTheFirstEndpointsStoreAndIsWarnedAbout() {
        InMemoryBitrix24TokenStore other = new InMemoryBitrix24TokenStore();
        other.save(new Bitrix24TokenPair("acc3ssOther", "r3freshOther"));
        camel.context().getRegistry().bind("other", other);
        portal.then(success(), systemError(401, "expired_token", "expired"), newPair(), success());

        String logged;
        try (CapturedOutput output = new CapturedOutput(java.util.Map.of("dev.camelbitrix24", Level.DEBUG))) {
            assertThat(camel.send(uri, 1L).getException()).isNull();
            assertThat(camel.send(uri.replace("#store", "#other") + "&maxAttempts=4", 2L).getException()).isNull();
            logged = output.logged();
        }

        assertThat(portal.requests()).extracting(Bitrix24OAuthTest::authOf)
                .containsExactly("acc3ssOld", "acc3ssOld", null, "acc3ssNew");
        assertThat(store.load()).contains(new Bitrix24TokenPair("acc3ssNew", "r3freshNew"));
        assertThat(other.load()).contains(new Bitrix24TokenPair("acc3ssOther", "r3freshOther"));
        assertThat(logged).contains("WARN", "tokenStore InMemoryBitrix24TokenStore", "that store is used")
                .doesNotContain("acc3ss", "r3fresh", "cl1entS3cret");
    }

    @Test
    void differentClientIdsOrPortalsDoNotShareASession() {
        portal.then(success(), success());

        assertThat(camel.send(uri, 1L).getException()).isNull();
        assertThat(camel.send(uri.replace("clientId=app.1", "clientId=app.2")
                .replace("acc3ssOld", "acc3ssApp2"), 2L).getException()).isNull();

        assertThat(portal.requests()).extracting(Bitrix24OAuthTest::authOf).containsExactly("acc3ssOld", "acc3ssApp2");
    }
}
