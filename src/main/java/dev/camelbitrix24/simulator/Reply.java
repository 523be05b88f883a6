package dev.camelbitrix24.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP reply ready to send: how long to hold it back first (a slow portal's latency and processing time), the
 * transport fault (delay, reset, lost reply) to play on it, if any, and the {@code Location} of a redirect.
 */
record Reply(int status, String contentType, byte[] body, FaultSpec transportFault, long holdNanos, String location) {

    Reply(int status, String contentType, byte[] body, FaultSpec transportFault, long holdNanos) {
        this(status, contentType, body, transportFault, holdNanos, null);
    }

    static Reply json(int status, Object value) {
        return new Reply(status, FaultSpec.JSON, Json.write(value), null, 0);
    }

    /** A redirect to {@code location}, with an empty body. */
    static Reply redirect(int status, String location) {
        return new Reply(status, FaultSpec.HTML, new byte[0], null, 0, location);
    }

    static Reply error(RestError error) {
        return json(error.status(), error.body());
    }

    static Reply of(FaultSpec statusFault) {
        return new Reply(statusFault.httpStatus(), statusFault.contentTypeValue(),
                statusFault.body().getBytes(StandardCharsets.UTF_8), null, 0);
    }

    Reply withTransportFault(FaultSpec fault) {
        return new Reply(status, contentType, body, fault, holdNanos, location);
    }

    /** The same reply with only the first half of its body, sent as complete (the length says half). */
    Reply cutShort() {
        return new Reply(status, contentType, Arrays.copyOf(body, body.length / 2), transportFault, holdNanos,
                location);
    }

    /** The same reply, held back {@code nanos} longer. */
    Reply heldLonger(long nanos) {
        return nanos == 0 ? this : new Reply(status, contentType, body, transportFault, holdNanos + nanos, location);
    }
}
