package dev.camelbitrix24.component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.client.Bitrix24Client;
import dev.camelbitrix24.component.client.DeleteResult;
import dev.camelbitrix24.component.client.TimeFigures;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Deletes the activity the exchange names (see {@link ActivityIdResolver}) without blocking the caller's thread.
 * On success the body becomes a Map {@code {id, outcome: "DELETED", attempts, confirmedOnRetry}}; on failure the
 * exchange gets a {@link Bitrix24Exception} (a {@link Bitrix24RetryLaterException} when the portal, not the request,
 * is why). Either way the outcome headers of {@link Bitrix24Constants} are set. A request whose earlier attempt may
 * have deleted the activity says so in {@link Bitrix24Constants#MAY_HAVE_DELETED}, so that its outcome stays true.
 */
public class Bitrix24Producer extends DefaultAsyncProducer {

    /** The value of {@link Bitrix24Constants#OUTCOME} on success. */
    public static final String DELETED = "DELETED";

    private final ActivityIdResolver idResolver = new ActivityIdResolver(new ObjectMapper());

    public Bitrix24Producer(Bitrix24Endpoint endpoint) {
        super(endpoint);
    }

    @Override
    public Bitrix24Endpoint getEndpoint() {
        return (Bitrix24Endpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        long id;
        try {
            id = idResolver.resolve(exchange.getMessage(), getEndpoint().getConfiguration().getActivityId());
        } catch (Bitrix24Exception invalid) {
            failed(exchange, invalid);
            callback.done(true);
            return true;
        }
        Bitrix24Client client = getEndpoint().getClient();
        if (client == null) {
            return notStarted(exchange, callback);
        }
        boolean mayHaveDeleted = Boolean.TRUE.equals(
                exchange.getMessage().getHeader(Bitrix24Constants.MAY_HAVE_DELETED, Boolean.class));
        // Camel's batch consumers (and the pipeline's poll) mark every exchange of a batch but the last with
        // CamelBatchComplete=false: the deletes behind it are on their way, so a batch call waits for them
        boolean moreFollow = Boolean.FALSE.equals(exchange.getProperty(ExchangePropertyKey.BATCH_COMPLETE, Boolean.class));
        return completeWith(exchange, callback, client.deleteActivity(id, mayHaveDeleted, moreFollow),
                Bitrix24Producer::succeeded);
    }

    /**
     * Completes the exchange when the client's call ends, asynchronously: {@code succeeded} sets the outcome of a
     * reply, a typed failure its headers and exception ({@link #failed}), anything else its exception.
     */
    static <T> boolean completeWith(Exchange exchange, AsyncCallback callback, CompletableFuture<T> call,
                                    BiConsumer<Exchange, T> succeeded) {
        call.whenComplete((result, error) -> {
            try {
                if (error == null) {
                    succeeded.accept(exchange, result);
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof Bitrix24Exception typed) {
                        failed(exchange, typed);
                    } else {
                        exchange.setException(cause);
                    }
                }
            } finally {
                callback.done(false);
            }
        });
        return false;
    }

    /** Fails an exchange sent to an endpoint that is not started, at once. */
    static boolean notStarted(Exchange exchange, AsyncCallback callback) {
        exchange.setException(new IllegalStateException("The bitrix24 endpoint is not started"));
        callback.done(true);
        return true;
    }

    /** Takes off the headers of a failure an earlier call may have left on the message. */
    static void clearFailureHeaders(Message message) {
        message.removeHeader(Bitrix24Constants.ERROR_CODE);
        message.removeHeader(Bitrix24Constants.ERROR_DESCRIPTION);
        message.removeHeader(Bitrix24Constants.RETRY_AT);
        message.removeHeader(Bitrix24Constants.PORTAL_WAIT);
    }

    private static void succeeded(Exchange exchange, DeleteResult result) {
        Message message = exchange.getMessage();
        message.setHeader(Bitrix24Constants.OUTCOME, DELETED);
        message.setHeader(Bitrix24Constants.ATTEMPTS, result.attempts());
        message.setHeader(Bitrix24Constants.CONFIRMED_ON_RETRY, result.confirmedOnRetry());
        message.setHeader(Bitrix24Constants.HTTP_STATUS, result.httpStatus());
        clearFailureHeaders(message);
        message.removeHeader(Bitrix24Constants.MAY_HAVE_DELETED);
        timeHeaders(message, result.time());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.id());
        body.put("outcome", DELETED);
        body.put("attempts", result.attempts());
        body.put("confirmedOnRetry", result.confirmedOnRetry());
        message.setBody(body);
    }

    /** Sets the outcome headers of a failure and the exception on the exchange. */
    static void failed(Exchange exchange, Bitrix24Exception error) {
        Message message = exchange.getMessage();
        message.setHeader(Bitrix24Constants.OUTCOME, error.getType().name());
        message.setHeader(Bitrix24Constants.ATTEMPTS, error.getAttempts());
        message.setHeader(Bitrix24Constants.CONFIRMED_ON_RETRY, false);
        setOrRemove(message, Bitrix24Constants.ERROR_CODE, error.getErrorCode());
        setOrRemove(message, Bitrix24Constants.ERROR_DESCRIPTION, error.getErrorDescription());
        setOrRemove(message, Bitrix24Constants.HTTP_STATUS,
                error.getHttpResponseCode() > 0 ? error.getHttpResponseCode() : null);
        message.setHeader(Bitrix24Constants.MAY_HAVE_DELETED, error.isMayHaveDeleted());
        Bitrix24RetryLaterException later = error instanceof Bitrix24RetryLaterException l ? l : null;
        setOrRemove(message, Bitrix24Constants.RETRY_AT, later == null ? null : later.getRetryAt().toEpochMilli());
        setOrRemove(message, Bitrix24Constants.PORTAL_WAIT, later == null || later.getPortalWait() == null ? null
                : later.getPortalWait().reason().name());
        exchange.setException(error);
    }

    /** The reply's time figures, when it had them. */
    static void timeHeaders(Message message, TimeFigures time) {
        if (time != null) {
            setIfPresent(message, Bitrix24Constants.TIME_OPERATING, time.operating());
            setIfPresent(message, Bitrix24Constants.TIME_OPERATING_RESET_AT, time.operatingResetAt());
            setIfPresent(message, Bitrix24Constants.TIME_DURATION, time.duration());
        }
    }

    private static void setIfPresent(Message message, String name, Object value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }

    private static void setOrRemove(Message message, String name, Object value) {
        if (value == null) {
            message.removeHeader(name);
        } else {
            message.setHeader(name, value);
        }
    }
}
