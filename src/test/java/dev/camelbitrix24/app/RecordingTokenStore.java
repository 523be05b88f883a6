package dev.camelbitrix24.app;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;

/**
 * A token store that remembers every pair the component saved, so a secret search can look for the rotated tokens
 * too. Camel Main creates it from {@code camel.beans.<name>=#class:...}; the pairs are kept per JVM.
 */
public class RecordingTokenStore implements Bitrix24TokenStore {

    private static final List<Bitrix24TokenPair> SAVED = new CopyOnWriteArrayList<>();

    @Override
    public Optional<Bitrix24TokenPair> load() {
        return Optional.empty();
    }

    @Override
    public void save(Bitrix24TokenPair tokens) {
        SAVED.add(tokens);
    }

    /** Every pair saved in this JVM so far. */
    public static List<Bitrix24TokenPair> saved() {
        return List.copyOf(SAVED);
    }
}
