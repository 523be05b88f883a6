package dev.camelbitrix24.component;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default token store: keeps the pair in memory only, so a restart falls back to the configured tokens.
 */
public class InMemoryBitrix24TokenStore implements Bitrix24TokenStore {

    private final AtomicReference<Bitrix24TokenPair> tokens = new AtomicReference<>();

    @Override
    public Optional<Bitrix24TokenPair> load() {
        return Optional.ofNullable(tokens.get());
    }

    @Override
    public void save(Bitrix24TokenPair pair) {
        tokens.set(pair);
    }

    @Override
    public String toString() {
        return "InMemoryBitrix24TokenStore";
    }
}
