package dev.camelbitrix24.simulator;

import java.nio.charset.StandardCharsets;

/** An HTTP reply ready to send, with the transport fault (delay, reset, lost reply) to play on it, if any. */
record Reply(int status, String contentType, byte[] body, FaultSpec transportFault) {

    static Reply json(int status, Object value) {
        return new Reply(status, FaultSpec.JSON, Json.write(value), null);
    }

    static Reply error(RestError error) {
        return json(error.status(), error.body());
    }

    static Reply of(FaultSpec statusFault) {
        return new Reply(statusFault.httpStatus(), statusFault.contentTypeValue(),
                statusFault.body().getBytes(StandardCharsets.UTF_8), null);
    }

    Reply withTransportFault(FaultSpec fault) {
        return new Reply(status, contentType, body, fault);
    }
}
