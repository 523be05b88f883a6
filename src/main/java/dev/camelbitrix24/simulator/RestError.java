package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Bitrix24 error reply: HTTP status plus the {@code error} / {@code error_description} envelope. */
final class RestError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String description;

    RestError(int status, String error, String description) {
        super(error + ": " + description, null, false, false);
        this.status = status;
        this.error = error;
        this.description = description;
    }

    /** The CRM style: HTTP 400 with an EMPTY error code (PROTOCOL.md §3.1). */
    static RestError crm(String description) {
        return new RestError(400, "", description);
    }

    static RestError methodNotFound() {
        return new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    }

    static RestError queryLimitExceeded() {
        return new RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    }

    static RestError operationTimeLimit() {
        return new RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String description() {
        return description;
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }
}
