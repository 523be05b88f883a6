package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OAuthSessionTest {

    private static final Bitrix24TokenPair OLD = new Bitrix24TokenPair("access-1", "refresh-1");
    private static final Bitrix24TokenPair NEW = new Bitrix24TokenPair("access-2", "refresh-2");

    @Test
    void concurrentCallersWithTheSameStaleTokenShareOneRefresh() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        List<String> refreshTokensSent = new CopyOnWriteArrayList<>();
        CompletableFuture<Bitrix24TokenPair> pending = new CompletableFuture<>();
        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        OAuthSession session = new OAuthSession(store, OLD, refreshToken -> {
            refresherCalls.incrementAndGet();
            refreshTokensSent.add(refreshToken);
            return pending;
        });

        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CompletableFuture<Bitrix24TokenPair>>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return session.refreshAfter(OLD);
            }));
        }
        go.countDown();
        List<CompletableFuture<Bitrix24TokenPair>> futures = new ArrayList<>();
        for (Future<CompletableFuture<Bitrix24TokenPair>> result : results) {
            futures.add(result.get(5, TimeUnit.SECONDS));
        }
        assertThat(futures).allSatisfy(f -> assertThat(f).isNotDone());

        pending.complete(NEW);

        for (CompletableFuture<Bitrix24TokenPair> future : futures) {
            assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        }
        pool.shutdownNow();
        assertThat(refresherCalls).hasValue(1);
        assertThat(session.refreshCount()).isEqualTo(1);
        assertThat(refreshTokensSent).containsExactly("refresh-1");
        assertThat(session.current()).isEqualTo(NEW);
        assertThat(store.load()).contains(NEW);
    }

    @Test
    void aCallerHoldingAnAlreadyReplacedTokenGetsTheNewPairWithoutRefreshing() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        OAuthSession session = new OAuthSession(new InMemoryBitrix24TokenStore(), OLD, refreshToken -> {
            refresherCalls.incrementAndGet();
            return CompletableFuture.completedFuture(NEW);
        });
        session.refreshAfter(OLD).get();

        assertThat(session.refreshAfter(OLD).get()).isEqualTo(NEW);
        assertThat(refresherCalls).hasValue(1);
    }

    @Test
    void theStoredPairWinsOverTheConfiguredOne() {
        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        store.save(NEW);

        OAuthSession session = new OAuthSession(store, OLD, refreshToken -> CompletableFuture.failedFuture(new IOException()));

        assertThat(session.current()).isEqualTo(NEW);
    }

    @Test
    void aRefreshThatFailsOnTheNetworkIsRetriedWithBackoffForEveryWaiter() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        List<Long> calledAt = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Bitrix24TokenPair>> replies = List.of(
                CompletableFuture.failedFuture(new IOException("connection reset")),
                CompletableFuture.failedFuture(new IOException("connection reset")),
                CompletableFuture.completedFuture(NEW));
        OAuthSession session = new OAuthSession(new InMemoryBitrix24TokenStore(), OLD, refreshToken -> {
            calledAt.add(System.nanoTime());
            return replies.get(refresherCalls.getAndIncrement());
        }, 3, 50);

        CompletableFuture<Bitrix24TokenPair> first = session.refreshAfter(OLD);
        CompletableFuture<Bitrix24TokenPair> second = session.refreshAfter(OLD);

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(refresherCalls).hasValue(3);
        // 50 ms, then 100 ms
        assertThat(TimeUnit.NANOSECONDS.toMillis(calledAt.get(1) - calledAt.get(0))).isGreaterThanOrEqualTo(50);
        assertThat(TimeUnit.NANOSECONDS.toMillis(calledAt.get(2) - calledAt.get(1))).isGreaterThanOrEqualTo(100);
    }

    @Test
    void aRefreshThatKeepsFailingOnTheNetworkStopsAfterItsAttemptsAndALaterCallTriesAgain() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        OAuthSession session = new OAuthSession(new InMemoryBitrix24TokenStore(), OLD, refreshToken ->
                refresherCalls.incrementAndGet() <= 2 ? CompletableFuture.failedFuture(new IOException("refused"))
                        : CompletableFuture.completedFuture(NEW), 2, 10);

        CompletableFuture<Bitrix24TokenPair> first = session.refreshAfter(OLD);
        CompletableFuture<Bitrix24TokenPair> second = session.refreshAfter(OLD);

        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(refresherCalls).hasValue(2);
        assertThat(session.current()).isEqualTo(OLD);
        assertThat(session.refreshAfter(OLD).get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(refresherCalls).hasValue(3);
    }

    @Test
    void aRefusedRefreshIsNotSentAgainForTheSamePairUntilTheStoreHoldsAnother() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        Bitrix24Exception invalidGrant = new Bitrix24Exception(Bitrix24ErrorType.AUTHENTICATION_FAILED, "invalid_grant",
                "Invalid refresh token", 400, 0);
        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        OAuthSession session = new OAuthSession(store, OLD, refreshToken -> {
            refresherCalls.incrementAndGet();
            return CompletableFuture.failedFuture(invalidGrant);
        }, 3, 10);

        for (int i = 0; i < 100; i++) {
            CompletableFuture<Bitrix24TokenPair> refresh = session.refreshAfter(OLD);
            assertThatThrownBy(() -> refresh.get(5, TimeUnit.SECONDS)).hasCause(invalidGrant);
        }
        assertThat(refresherCalls).as("one refresh request, never retried").hasValue(1);

        // another instance refreshed (or the app was re-authorized) and saved its pair
        store.save(NEW);
        assertThat(session.refreshAfter(OLD).get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(session.current()).isEqualTo(NEW);
        assertThat(refresherCalls).hasValue(1);
    }

    @Test
    void aPairSavedByAnotherInstanceWhileTheRefreshFailedIsUsed() throws Exception {
        InMemoryBitrix24TokenStore store = new InMemoryBitrix24TokenStore();
        OAuthSession session = new OAuthSession(store, OLD, refreshToken -> {
            // the other instance spent the refresh token a moment earlier and saved what it got
            store.save(NEW);
            return CompletableFuture.failedFuture(new Bitrix24Exception(Bitrix24ErrorType.AUTHENTICATION_FAILED,
                    "invalid_grant", "Invalid refresh token", 400, 0));
        }, 3, 10);

        assertThat(session.refreshAfter(OLD).get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(session.current()).isEqualTo(NEW);
    }

    @Test
    void anExpiredTokenTakesThePairAnotherInstanceStoredWithoutRefreshing() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        InMemoryBitrix24TokenStore shared = new InMemoryBitrix24TokenStore();
        OAuthSession session = new OAuthSession(shared, OLD, refreshToken -> {
            refresherCalls.incrementAndGet();
            return CompletableFuture.failedFuture(new Bitrix24Exception(Bitrix24ErrorType.AUTHENTICATION_FAILED,
                    "invalid_grant", "Invalid refresh token", 400, 0));
        });
        // another instance refreshed OLD (spending its refresh token) and saved the new pair
        shared.save(NEW);

        assertThat(session.refreshAfter(OLD).get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(refresherCalls).as("no refresh with the spent refresh token").hasValue(0);
    }

    @Test
    void twoInstancesRefreshingAtOnceEndWithOnePairAndNoFailure() throws Exception {
        // the OAuth server: the refresh token rotates, the spent one is refused; the first instance's refresh wins
        Set<String> spent = ConcurrentHashMap.newKeySet();
        AtomicInteger issued = new AtomicInteger(1);
        TokenRefresher server = refreshToken -> spent.add(refreshToken)
                ? CompletableFuture.completedFuture(new Bitrix24TokenPair("access-" + issued.incrementAndGet(),
                        "refresh-" + issued.get()))
                : CompletableFuture.failedFuture(new Bitrix24Exception(Bitrix24ErrorType.AUTHENTICATION_FAILED,
                        "invalid_grant", "Invalid refresh token", 400, 0));
        // one shared store (a Kafka topic); the winner's save takes a while, so the loser's refusal comes first
        InMemoryBitrix24TokenStore shared = new InMemoryBitrix24TokenStore();
        CountDownLatch loserRefused = new CountDownLatch(1);
        Bitrix24TokenStore slowToSave = new Bitrix24TokenStore() {
            @Override
            public java.util.Optional<Bitrix24TokenPair> load() {
                return shared.load();
            }

            @Override
            public void save(Bitrix24TokenPair tokens) {
                try {
                    loserRefused.await(5, TimeUnit.SECONDS);
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                shared.save(tokens);
            }
        };
        // the reply reaches the first instance on another thread, as an HTTP client's reply does
        OAuthSession first = new OAuthSession(slowToSave, OLD, refreshToken -> server.refresh(refreshToken)
                .whenCompleteAsync((pair, error) -> { }));
        OAuthSession second = new OAuthSession(shared, OLD, refreshToken -> server.refresh(refreshToken)
                .whenComplete((pair, error) -> loserRefused.countDown()));

        CompletableFuture<Bitrix24TokenPair> won = first.refreshAfter(OLD);
        CompletableFuture<Bitrix24TokenPair> lost = second.refreshAfter(OLD);

        Bitrix24TokenPair pair = won.get(5, TimeUnit.SECONDS);
        assertThat(lost.get(5, TimeUnit.SECONDS)).as("the loser takes the winner's pair").isEqualTo(pair);
        assertThat(first.current()).isEqualTo(pair);
        assertThat(second.current()).isEqualTo(pair);
        assertThat(shared.load()).contains(pair);
        assertThat(spent).containsExactly("refresh-1");
    }

    @Test
    void aRefreshedPairIsSavedBeforeAnyCallUsesIt() throws Exception {
        List<Bitrix24TokenPair> currentWhileSaving = new CopyOnWriteArrayList<>();
        AtomicReference<OAuthSession> session = new AtomicReference<>();
        CompletableFuture<Bitrix24TokenPair> reply = new CompletableFuture<>();
        session.set(new OAuthSession(new InMemoryBitrix24TokenStore() {
            @Override
            public void save(Bitrix24TokenPair pair) {
                currentWhileSaving.add(session.get().current());
                super.save(pair);
            }
        }, OLD, refreshToken -> reply));

        CompletableFuture<Bitrix24TokenPair> refreshed = session.get().refreshAfter(OLD);
        reply.complete(NEW);

        assertThat(refreshed.get(5, TimeUnit.SECONDS)).isEqualTo(NEW);
        assertThat(currentWhileSaving).as("the calls kept the old pair until the new one was saved").containsExactly(OLD);
    }

    @Test
    void aStoreThatFailsToSaveDoesNotLoseTheNewPair() throws Exception {
        OAuthSession session = new OAuthSession(new InMemoryBitrix24TokenStore() {
            @Override
            public void save(Bitrix24TokenPair pair) {
                throw new IllegalStateException("disk full");
            }
        }, OLD, refreshToken -> CompletableFuture.completedFuture(NEW));

        assertThat(session.refreshAfter(OLD).get()).isEqualTo(NEW);
        assertThat(session.current()).isEqualTo(NEW);
    }

    @Test
    void noTokenAnywhereIsRefused() {
        assertThatThrownBy(() -> new OAuthSession(new InMemoryBitrix24TokenStore(), null,
                refreshToken -> CompletableFuture.completedFuture(NEW)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessToken");
    }

    @Test
    void tokenPairsNeverPrintTheirTokens() {
        assertThat(NEW.toString()).doesNotContain("access-2").doesNotContain("refresh-2");
    }
}
