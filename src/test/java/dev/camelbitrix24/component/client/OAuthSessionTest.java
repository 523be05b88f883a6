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
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelbitrix24.component.Bitrix24TokenPair;
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
    void aFailedRefreshFailsEveryWaiterAndAllowsALaterAttempt() throws Exception {
        AtomicInteger refresherCalls = new AtomicInteger();
        List<CompletableFuture<Bitrix24TokenPair>> replies = List.of(new CompletableFuture<>(),
                CompletableFuture.completedFuture(NEW));
        OAuthSession session = new OAuthSession(new InMemoryBitrix24TokenStore(), OLD,
                refreshToken -> replies.get(refresherCalls.getAndIncrement()));

        CompletableFuture<Bitrix24TokenPair> first = session.refreshAfter(OLD);
        CompletableFuture<Bitrix24TokenPair> second = session.refreshAfter(OLD);
        replies.get(0).completeExceptionally(new IOException("refused"));

        assertThatThrownBy(first::join).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(second::join).hasCauseInstanceOf(IOException.class);
        assertThat(session.current()).isEqualTo(OLD);
        assertThat(session.refreshAfter(OLD).get()).isEqualTo(NEW);
        assertThat(refresherCalls).hasValue(2);
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
