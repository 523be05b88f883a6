package dev.camelbitrix24.component;

import java.util.Optional;

/**
 * Where an OAuth token pair lives between refreshes and restarts. Bitrix24 rotates the refresh token on every refresh,
 * so a store that persists (file, database, vault) keeps the application able to authenticate after a restart.
 * Implementations must be thread-safe; the component calls {@link #save} once per refresh.
 */
public interface Bitrix24TokenStore {

    /** The last saved pair, or empty when none was saved yet (the endpoint then starts from its options). */
    Optional<Bitrix24TokenPair> load();

    /** Called with the new pair right after a successful refresh. */
    void save(Bitrix24TokenPair tokens);
}
