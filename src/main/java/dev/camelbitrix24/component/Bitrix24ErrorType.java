package dev.camelbitrix24.component;

/**
 * The typed outcome of a failed call, as published in the {@code bitrix24.outcome} header of the pipeline.
 * Each type belongs to one {@link Bitrix24ErrorCategory} and says whether the component retries it.
 */
public enum Bitrix24ErrorType {
    NOT_FOUND(Bitrix24ErrorCategory.NOT_FOUND, false),
    ACCESS_DENIED(Bitrix24ErrorCategory.REJECTED, false),
    APPLICATION_CONTEXT_REQUIRED(Bitrix24ErrorCategory.REJECTED, false),
    AUTHENTICATION_FAILED(Bitrix24ErrorCategory.REJECTED, false),
    INSUFFICIENT_SCOPE(Bitrix24ErrorCategory.REJECTED, false),
    /** Bitrix24 refuses the call for a reason no retry changes: unknown method, wrong auth type, https required, portal deleted, an id it reads as invalid. */
    REFUSED(Bitrix24ErrorCategory.REJECTED, false),
    INVALID_REQUEST(Bitrix24ErrorCategory.INVALID, false),
    RATE_LIMITED(Bitrix24ErrorCategory.TRANSIENT, true),
    OPERATION_TIME_LIMIT(Bitrix24ErrorCategory.TRANSIENT, true),
    /** {@code OVERLOAD_LIMIT}: REST blocked by Bitrix24 support. Never retried blindly, but safe to replay later. */
    OVERLOADED(Bitrix24ErrorCategory.TRANSIENT, false),
    SERVER_ERROR(Bitrix24ErrorCategory.TRANSIENT, true),
    TRANSPORT_ERROR(Bitrix24ErrorCategory.TRANSIENT, true);

    private final Bitrix24ErrorCategory category;
    private final boolean retriable;

    Bitrix24ErrorType(Bitrix24ErrorCategory category, boolean retriable) {
        this.category = category;
        this.retriable = retriable;
    }

    public Bitrix24ErrorCategory category() {
        return category;
    }

    /** Whether the component itself retries a failure of this type (within its attempt and time budget). */
    public boolean retriable() {
        return retriable;
    }
}
