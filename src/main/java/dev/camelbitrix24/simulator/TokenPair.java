package dev.camelbitrix24.simulator;

/** An OAuth access token and its refresh token, as issued by the simulator. */
public record TokenPair(String accessToken, String refreshToken) {

    @Override
    public String toString() {
        // tokens are secrets: never print them
        return "TokenPair[***]";
    }
}
