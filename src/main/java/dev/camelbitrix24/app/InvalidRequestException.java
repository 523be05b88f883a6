package dev.camelbitrix24.app;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;

/**
 * A deletion request that cannot be sent to Bitrix24: typed {@link Bitrix24ErrorType#INVALID_REQUEST}, never sent
 * (zero attempts, no HTTP status), with a description a person understands and the request's requestId when the
 * value got far enough to show one.
 */
public class InvalidRequestException extends Bitrix24Exception {

    private final String requestId;

    public InvalidRequestException(String description, String requestId) {
        super(Bitrix24ErrorType.INVALID_REQUEST, null, description, 0, false, 0, null);
        this.requestId = requestId;
    }

    /** The request's requestId, or null when it had none or the value could not be read that far. */
    public String getRequestId() {
        return requestId;
    }
}
