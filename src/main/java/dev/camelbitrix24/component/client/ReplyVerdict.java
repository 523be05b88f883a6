package dev.camelbitrix24.component.client;

import dev.camelbitrix24.component.Bitrix24ErrorType;

/**
 * What one reply of Bitrix24 means: success, or a typed failure with Bitrix24's error fields as received.
 *
 * @param type             null on success
 * @param errorCode        Bitrix24's {@code error} as received (may be empty); null when the reply had no error envelope
 * @param errorDescription Bitrix24's {@code error_description}, or what was wrong with a reply without envelope
 * @param httpStatus       the reply's HTTP status
 * @param time             the reply's {@code time} figures, null when it had none
 */
public record ReplyVerdict(Bitrix24ErrorType type, String errorCode, String errorDescription, int httpStatus,
                           TimeFigures time) {

    public boolean success() {
        return type == null;
    }

    /**
     * Whether the method may have run although this reply does not say how it ended: a 5xx or 2xx that
     * is not Bitrix24's answer (a gateway's page, a body cut short, HTML from a proxy), or {@code WRONG_ENCODING},
     * which Bitrix24 sends when the method ran and its reply could not be encoded. Bitrix24's other error
     * envelopes are its answer: the method did not run. (A 4xx without an envelope is a proxy refusing the request.)
     */
    public boolean methodMayHaveRun() {
        if (success()) {
            return false;
        }
        if (errorCode == null) {
            return httpStatus >= 500 || httpStatus >= 200 && httpStatus < 300;
        }
        return "WRONG_ENCODING".equalsIgnoreCase(errorCode);
    }
}
