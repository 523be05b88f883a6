package dev.camelbitrix24.component.client;

import java.util.concurrent.CompletableFuture;

import dev.camelbitrix24.component.Bitrix24TokenPair;

/**
 * Exchanges a refresh token for a new token pair at the OAuth server.
 */
@FunctionalInterface
public interface TokenRefresher {

    /** Completes with the new pair, or exceptionally with a {@code Bitrix24Exception} or an {@code IOException}. */
    CompletableFuture<Bitrix24TokenPair> refresh(String refreshToken);
}
