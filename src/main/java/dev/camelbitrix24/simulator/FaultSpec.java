package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault the simulator plays on REST calls, built like
 * {@code FaultSpec.status(502, html).times(3)}, {@code FaultSpec.overloadLimit().fraction(0.2).onMethod("batch")},
 * {@code FaultSpec.replyLost().times(1)} or {@code FaultSpec.wrongEncoding().times(1)}. Without {@code times} or {@code fraction} it hits every matching call
 * until cleared. Which calls a fraction hits is decided by the simulator's random seed, so runs repeat exactly.
 * Faults apply to whole HTTP requests on {@code /rest/} (not to commands inside a batch).
 */
public final class FaultSpec {

    /** What the fault does to a call. */
    public enum Kind {
        /** Answers the given status and body instead of running the call (nothing happens on the portal). */
        STATUS,
        /** Runs the call, then holds the reply back for the delay (a client with a shorter timeout gives up). */
        DELAY,
        /** Runs the call, starts the reply, then closes the connection half-way through the body. */
        RESET_MID_REPLY,
        /** Runs the call (the delete happens) and closes the connection without any reply. */
        REPLY_LOST,
        /** Runs the call (the delete happens), then answers the given status and body instead of its reply. */
        REPLACED_REPLY,
        /** Runs the call (the delete happens), then answers its status with only the first half of its body. */
        TRUNCATED_REPLY,
        /** Answers {@code 302} with {@code Location} at the portal's new address instead of running the call. */
        MOVED
    }

    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    private static final String BAD_GATEWAY_HTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            + "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private final Kind kind;
    private final int status;
    private final String body;
    private final String contentType;
    private final Duration delay;
    private final int times;
    private final double fraction;
    private final String method;
    private final String movedTo;

    private FaultSpec(Kind kind, int status, String body, String contentType, Duration delay, int times,
            double fraction, String method) {
        this(kind, status, body, contentType, delay, times, fraction, method, null);
    }

    private FaultSpec(Kind kind, int status, String body, String contentType, Duration delay, int times,
            double fraction, String method, String movedTo) {
        this.kind = kind;
        this.status = status;
        this.body = body;
        this.contentType = contentType;
        this.delay = delay;
        this.times = times;
        this.fraction = fraction;
        this.method = method;
        this.movedTo = movedTo;
    }

    /** Answers this status and body; the content type is JSON when the body looks like JSON, else HTML. */
    public static FaultSpec status(int status, String body) {
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        String trimmed = body.trim();
        String type = trimmed.startsWith("{") || trimmed.startsWith("[") ? JSON : HTML;
        return new FaultSpec(Kind.STATUS, status, body, type, null, -1, 1.0, null);
    }

    /** 500 INTERNAL_SERVER_ERROR in the Bitrix24 envelope. */
    public static FaultSpec internalServerError() {
        return status(500, "{\"error\":\"INTERNAL_SERVER_ERROR\",\"error_description\":\"Internal server error\"}");
    }

    /** 502 with the HTML page of the portal's nginx front end. */
    public static FaultSpec badGatewayHtml() {
        return status(502, BAD_GATEWAY_HTML);
    }

    /** 503 OVERLOAD_LIMIT: REST blocked by Bitrix24 support. */
    public static FaultSpec overloadLimit() {
        return status(503, "{\"error\":\"OVERLOAD_LIMIT\",\"error_description\":\"REST API is blocked due to overload\"}");
    }

    /**
     * Runs the call (a delete happens), then answers this status and body instead of the call's reply: what a client
     * sees when the answer is spoiled after the method ran (a proxy's page, an encoding failure). The content type is
     * chosen as for {@link #status}.
     */
    public static FaultSpec replacedReply(int status, String body) {
        FaultSpec spec = status(status, body);
        return new FaultSpec(Kind.REPLACED_REPLY, spec.status, spec.body, spec.contentType, null, -1, 1.0, null);
    }

    /**
     * Runs the call, then answers {@code 200 WRONG_ENCODING}: the method ran but its reply could not be encoded
     * (PROTOCOL §3.2), so the client never learns its result.
     */
    public static FaultSpec wrongEncoding() {
        return replacedReply(200,
                "{\"error\":\"WRONG_ENCODING\",\"error_description\":\"Response could not be encoded\"}");
    }

    /**
     * Runs the call, then answers its status with the first half of its body, as a complete HTTP reply (a body cut
     * short by something on the way, not a broken connection): JSON that does not parse.
     */
    public static FaultSpec truncatedReply() {
        return new FaultSpec(Kind.TRUNCATED_REPLY, 0, null, null, null, -1, 1.0, null);
    }

    /**
     * The portal moved (PROTOCOL §1): answers {@code 302} with {@code Location} = {@code newBaseUrl} followed by the
     * request's path, and runs nothing. A client is to send the same request there.
     */
    public static FaultSpec movedTo(String newBaseUrl) {
        Objects.requireNonNull(newBaseUrl, "newBaseUrl");
        String base = newBaseUrl.endsWith("/") ? newBaseUrl.substring(0, newBaseUrl.length() - 1) : newBaseUrl;
        return new FaultSpec(Kind.MOVED, 302, "", HTML, null, -1, 1.0, null, base);
    }

    /** Runs the call, then waits this long before replying. */
    public static FaultSpec delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return new FaultSpec(Kind.DELAY, 0, null, null, delay, -1, 1.0, null);
    }

    /** Runs the call, sends the headers (with the full Content-Length) and half of the body, then closes the connection. */
    public static FaultSpec resetMidReply() {
        return new FaultSpec(Kind.RESET_MID_REPLY, 0, null, null, null, -1, 1.0, null);
    }

    /** Runs the call (a delete happens) and closes the connection without replying. */
    public static FaultSpec replyLost() {
        return new FaultSpec(Kind.REPLY_LOST, 0, null, null, null, -1, 1.0, null);
    }

    /**
     * Overrides the content type of a {@link #status} or {@link #replacedReply} fault, e.g. {@code text/plain} for a
     * non-JSON answer.
     */
    public FaultSpec contentType(String value) {
        return new FaultSpec(kind, status, body, Objects.requireNonNull(value), delay, times, fraction, method, movedTo);
    }

    /** Hits only the next {@code n} matching calls. */
    public FaultSpec times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1");
        }
        return new FaultSpec(kind, status, body, contentType, delay, n, fraction, method, movedTo);
    }

    /** Hits each matching call with this probability (drawn from the simulator's seeded random). */
    public FaultSpec fraction(double p) {
        if (!(p > 0) || p > 1) {
            throw new IllegalArgumentException("fraction must be in (0, 1]");
        }
        return new FaultSpec(kind, status, body, contentType, delay, times, p, method, movedTo);
    }

    /** Hits only calls of this method (case-insensitive, e.g. {@code crm.activity.delete} or {@code batch}). */
    public FaultSpec onMethod(String name) {
        return new FaultSpec(kind, status, body, contentType, delay, times, fraction,
                Objects.requireNonNull(name).toLowerCase(Locale.ROOT), movedTo);
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return status;
    }

    public String body() {
        return body;
    }

    public String contentTypeValue() {
        return contentType;
    }

    public Duration delayValue() {
        return delay;
    }

    /** -1 when unlimited. */
    public int timesValue() {
        return times;
    }

    public double fractionValue() {
        return fraction;
    }

    /** The new base URL of a {@link Kind#MOVED} fault, else null. */
    public String movedToValue() {
        return movedTo;
    }

    /** null when every method matches. */
    public String methodValue() {
        return method;
    }

    @Override
    public String toString() {
        boolean withStatus = kind == Kind.STATUS || kind == Kind.REPLACED_REPLY || kind == Kind.MOVED;
        return "FaultSpec[" + kind + (withStatus ? " " + status : "") + (delay != null ? " " + delay : "")
                + (times > 0 ? " times=" + times : "") + (fraction < 1 ? " fraction=" + fraction : "")
                + (method != null ? " method=" + method : "") + "]";
    }
}
