package dev.camelbitrix24.component;

import java.util.Objects;

/**
 * An OAuth access token and the refresh token that replaces it. {@code toString()} never shows either.
 */
public final class Bitrix24TokenPair {

    private final String accessToken;
    private final String refreshToken;

    public Bitrix24TokenPair(String accessToken, String refreshToken) {
        this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
        this.refreshToken = refreshToken;
    }

    public String getAccessToken() {
        return accessToken;
    }

    /** May be null when the application was configured with an access token only (it then cannot refresh). */
    public String getRefreshToken() {
        return refreshToken;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitrix24TokenPair other && accessToken.equals(other.accessToken)
               && Objects.equals(refreshToken, other.refreshToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessToken, refreshToken);
    }

    @Override
    public String toString() {
        return "Bitrix24TokenPair[accessToken=xxxxxx, refreshToken=" + (refreshToken == null ? "none" : "xxxxxx") + "]";
    }
}
