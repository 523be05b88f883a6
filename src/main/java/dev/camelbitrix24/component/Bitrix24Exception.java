package dev.camelbitrix24.component;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.HttpResponseAware;

/**
 * A failed Bitrix24 call, typed. Carries Bitrix24's {@code error} and {@code error_description} exactly as received
 * (the code may be the empty string, as {@code crm.activity.delete} sends it), the HTTP status of the last reply
 * (0 when there was none), whether the failure is retriable, and how many times the call was sent.
 * Its message never contains a secret.
 */
public class Bitrix24Exception extends RuntimeCamelException implements HttpResponseAware {

    private final Bitrix24ErrorType type;
    private final String errorCode;
    private final String errorDescription;
    private final boolean retriable;
    private final int attempts;
    private final boolean mayHaveDeleted;
    private int httpStatus;
    private String httpStatusText;

    public Bitrix24Exception(Bitrix24ErrorType type, String errorCode, String errorDescription, int httpStatus,
                             boolean retriable, int attempts, boolean mayHaveDeleted, Throwable cause) {
        super(describe(type, errorCode, errorDescription, httpStatus, attempts), cause);
        this.type = type;
        this.errorCode = errorCode;
        this.errorDescription = errorDescription;
        this.httpStatus = httpStatus;
        this.retriable = retriable;
        this.attempts = attempts;
        this.mayHaveDeleted = mayHaveDeleted;
    }

    public Bitrix24Exception(Bitrix24ErrorType type, String errorCode, String errorDescription, int httpStatus,
                             boolean retriable, int attempts, Throwable cause) {
        this(type, errorCode, errorDescription, httpStatus, retriable, attempts, false, cause);
    }

    public Bitrix24Exception(Bitrix24ErrorType type, String errorCode, String errorDescription, int httpStatus,
                             int attempts) {
        this(type, errorCode, errorDescription, httpStatus, type.retriable(), attempts, null);
    }

    private static String describe(Bitrix24ErrorType type, String code, String description, int status, int attempts) {
        StringBuilder sb = new StringBuilder("Bitrix24 call failed: ").append(type);
        if (status > 0) {
            sb.append(", HTTP ").append(status);
        }
        if (code != null) {
            sb.append(", error \"").append(code).append('"');
        }
        if (description != null) {
            sb.append(", \"").append(description).append('"');
        }
        return sb.append(", attempts ").append(attempts).toString();
    }

    public Bitrix24ErrorType getType() {
        return type;
    }

    public Bitrix24ErrorCategory getCategory() {
        return type.category();
    }

    /** Bitrix24's {@code error} as received: may be empty; null when the reply had no error envelope. */
    public String getErrorCode() {
        return errorCode;
    }

    /** Bitrix24's {@code error_description} as received, or why the request is invalid / the transport failed. */
    public String getErrorDescription() {
        return errorDescription;
    }

    public boolean isRetriable() {
        return retriable;
    }

    public int getAttempts() {
        return attempts;
    }

    /**
     * True when an attempt may have reached Bitrix24 without its answer reaching the component (a timeout after the
     * request went out, a gateway's 5xx): the activity may be deleted already, so a later {@code Activity is not found.}
     * for it means deleted. Send the request again with {@link Bitrix24Constants#MAY_HAVE_DELETED} true.
     */
    public boolean isMayHaveDeleted() {
        return mayHaveDeleted;
    }

    @Override
    public int getHttpResponseCode() {
        return httpStatus;
    }

    @Override
    public void setHttpResponseCode(int code) {
        this.httpStatus = code;
    }

    @Override
    public String getHttpResponseStatus() {
        return httpStatusText;
    }

    @Override
    public void setHttpResponseStatus(String status) {
        this.httpStatusText = status;
    }
}
