package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorCategory;
import dev.camelbitrix24.component.Bitrix24Exception;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exchange into the outcome record of its request: the contract's {@code bitrix24.*} headers on top of the
 * request's own key and headers, and as value either the succeeded JSON or, on every other topic, the request's
 * original bytes (which the route restores with {@code useOriginalMessage}).
 */
public class OutcomeRecords {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecords.class);
    // an unexpected exception's message may quote a URL, and a webhook URL carries its secret in the path
    private static final Pattern URL = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");
    private static final ObjectMapper SUMMARY_MAPPER = new ObjectMapper();

    /** After a successful call: the succeeded record, built from the component's result headers. */
    public void succeeded(Exchange exchange) {
        Message message = exchange.getMessage();
        DeletionRequest request = exchange.getProperty(RequestValidator.REQUEST, DeletionRequest.class);
        Integer attempts = message.getHeader(Bitrix24Constants.ATTEMPTS, Integer.class);
        Integer status = message.getHeader(Bitrix24Constants.HTTP_STATUS, Integer.class);
        boolean confirmedOnRetry = Boolean.TRUE.equals(message.getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY, Boolean.class));

        prepare(message, OutcomeHeaders.DELETED, request.requestId());
        setIfPresent(message, OutcomeHeaders.HTTP_STATUS, status);
        setIfPresent(message, OutcomeHeaders.ATTEMPTS, attempts);

        message.setBody(succeededValue(request, attempts == null ? 0 : attempts, "confirmedOnRetry", confirmedOnRetry));
    }

    /** {@link #succeeded} as a {@link Processor}, which a route calls directly (no bean method binding per request). */
    public static final class Succeeded implements Processor {
        private final OutcomeRecords records = new OutcomeRecords();

        @Override
        public void process(Exchange exchange) {
            records.succeeded(exchange);
        }
    }

    /**
     * For {@code Activity is not found.} when the pipeline is set to count it as success: the activity is gone
     * either way, so the request goes to the succeeded topic, marked {@code notFound}.
     */
    public void notFoundAsSucceeded(Exchange exchange) {
        Bitrix24Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Bitrix24Exception.class);
        DeletionRequest request = exchange.getProperty(RequestValidator.REQUEST, DeletionRequest.class);
        Message message = exchange.getMessage();
        prepare(message, OutcomeHeaders.DELETED, request.requestId());
        setIfPresent(message, OutcomeHeaders.HTTP_STATUS, failure.getHttpResponseCode() > 0 ? failure.getHttpResponseCode() : null);
        message.setHeader(OutcomeHeaders.ATTEMPTS, String.valueOf(failure.getAttempts()));

        message.setBody(succeededValue(request, failure.getAttempts(), "notFound", true));
        LOG.info("Request {} (activity {}): NOT_FOUND, counted as deleted", RequestText.quoted(request.requestId()),
                request.id());
    }

    /** In an error handler: the failure's headers on the original record; the value stays the original bytes. */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String requestId = exchange.getProperty(RequestValidator.REQUEST_ID, String.class);
        DeletionRequest request = exchange.getProperty(RequestValidator.REQUEST, DeletionRequest.class);
        Message message = exchange.getMessage();
        String where = message.getHeader(KafkaConstants.TOPIC) + "-" + message.getHeader(KafkaConstants.PARTITION)
                + "@" + message.getHeader(KafkaConstants.OFFSET);
        String activity = request == null ? "unread" : String.valueOf(request.id());

        if (failure instanceof Bitrix24Exception b24) {
            prepare(message, b24.getType().name(), requestId);
            setIfPresent(message, OutcomeHeaders.ERROR_CODE, b24.getErrorCode());
            setIfPresent(message, OutcomeHeaders.ERROR_DESCRIPTION, b24.getErrorDescription());
            setIfPresent(message, OutcomeHeaders.HTTP_STATUS, b24.getHttpResponseCode() > 0 ? b24.getHttpResponseCode() : null);
            message.setHeader(OutcomeHeaders.ATTEMPTS, String.valueOf(b24.getAttempts()));
            if (b24.isMayHaveDeleted()) {
                message.setHeader(OutcomeHeaders.MAY_HAVE_DELETED, "true");
            }
            if (b24.getCategory() == Bitrix24ErrorCategory.TRANSIENT) {
                LOG.warn("Request {} (activity {}, {}): {} after {} attempt(s): {}", RequestText.quoted(requestId),
                        activity, where, b24.getType(), b24.getAttempts(), b24.getErrorDescription());
            } else {
                LOG.info("Request {} (activity {}, {}): {}: {}", RequestText.quoted(requestId), activity, where,
                        b24.getType(), b24.getErrorDescription());
            }
        } else {
            String description = failure == null ? "unknown failure"
                    : failure.getClass().getSimpleName() + ": " + withoutUrls(failure.getMessage());
            prepare(message, OutcomeHeaders.PIPELINE_ERROR, requestId);
            message.setHeader(OutcomeHeaders.ERROR_DESCRIPTION, description);
            // the message of an unexpected exception may quote a piece of the request
            LOG.warn("Request {} (activity {}, {}): {}: {}", RequestText.quoted(requestId), activity, where,
                    OutcomeHeaders.PIPELINE_ERROR, RequestText.escape(description));
        }
    }

    /**
     * The summary of a filter request, on the message of a copy of the request (its key and headers): on the succeeded
     * topic when every selected activity ended deleted or not found, else on the dead-letter topic. The value is the
     * same on both, {@code {"requestId":..,"filter":{..},"matched":130,"deleted":130,"notFound":0,"failed":0}} (plus
     * {@code "dryRun":true} for a dry run), and is itself a filter request: replayed, it runs the filter again. A
     * listing that failed is named in the error headers.
     *
     * @return whether it belongs on the succeeded topic
     */
    static boolean filterSummary(Message message, FilterRequest request, FilterProgress progress,
                                 Bitrix24Exception listFailure) {
        boolean succeeded = listFailure == null && progress.failed == 0;
        prepare(message, succeeded ? OutcomeHeaders.FILTERED : OutcomeHeaders.FILTER_INCOMPLETE, request.requestId());
        message.setHeader(OutcomeHeaders.FILTER, OutcomeHeaders.FILTER_SUMMARY);
        message.removeHeader(OutcomeHeaders.FILTER_ACTIVITY_ID);
        message.removeHeader(OutcomeHeaders.MAY_HAVE_DELETED);
        if (listFailure != null) {
            setIfPresent(message, OutcomeHeaders.ERROR_CODE, listFailure.getErrorCode());
            setIfPresent(message, OutcomeHeaders.ERROR_DESCRIPTION, "Listing failed after " + progress.matched
                    + " activities: " + listFailure.getType() + " " + listFailure.getErrorDescription());
            setIfPresent(message, OutcomeHeaders.HTTP_STATUS,
                    listFailure.getHttpResponseCode() > 0 ? listFailure.getHttpResponseCode() : null);
            message.setHeader(OutcomeHeaders.ATTEMPTS, String.valueOf(listFailure.getAttempts()));
        }
        ObjectNode value = SUMMARY_MAPPER.createObjectNode();
        if (request.requestId() != null) {
            value.put("requestId", request.requestId());
        }
        value.set("filter", request.filter().json());
        if (request.dryRun()) {
            value.put("dryRun", true);
        }
        value.put("matched", progress.matched).put("deleted", progress.deleted).put("notFound", progress.notFound)
                .put("failed", progress.failed);
        try {
            message.setBody(SUMMARY_MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a summary of plain values could not be written", e);
        }
        LOG.info("Filter request {} ({}): {} matched, {} deleted, {} not found, {} failed{}{}",
                RequestText.quoted(request.requestId()), RequestText.escape(request.filter().toString()),
                progress.matched, progress.deleted, progress.notFound, progress.failed,
                request.dryRun() ? " (dry run)" : "", listFailure == null ? ""
                        : "; listing failed: " + RequestText.escape(String.valueOf(listFailure.getErrorDescription())));
        return succeeded;
    }

    /** Replaces outcome headers the request may already carry (a replayed one does), then sets where it came from. */
    private static void prepare(Message message, String outcome, String requestId) {
        OutcomeHeaders.OUTCOME_HEADERS.forEach(message::removeHeader);
        message.setHeader(OutcomeHeaders.OUTCOME, outcome);
        setIfPresent(message, OutcomeHeaders.REQUEST_ID, requestId);
        setIfPresent(message, OutcomeHeaders.ORIGINAL_TOPIC, message.getHeader(KafkaConstants.TOPIC));
        setIfPresent(message, OutcomeHeaders.ORIGINAL_PARTITION, message.getHeader(KafkaConstants.PARTITION));
        setIfPresent(message, OutcomeHeaders.ORIGINAL_OFFSET, message.getHeader(KafkaConstants.OFFSET));
        setIfPresent(message, OutcomeHeaders.ORIGINAL_TIMESTAMP, message.getHeader(KafkaConstants.TIMESTAMP));
    }

    /**
     * {@code {"id":..,"outcome":"DELETED","requestId":..,"attempts":..,<flag>:..}}, requestId only when the request had
     * one. Written by hand: five fixed fields, and a Jackson generator costs more to set up than to use here; the one
     * string from outside, requestId, is escaped by Jackson's encoder.
     */
    private static byte[] succeededValue(DeletionRequest request, int attempts, String flag, boolean flagValue) {
        StringBuilder json = new StringBuilder(96).append("{\"id\":").append(request.id())
                .append(",\"outcome\":\"").append(OutcomeHeaders.DELETED).append('"');
        if (request.requestId() != null) {
            json.append(",\"requestId\":\"").append(JsonStringEncoder.getInstance().quoteAsString(request.requestId())).append('"');
        }
        return json.append(",\"attempts\":").append(attempts).append(",\"").append(flag).append("\":").append(flagValue)
                .append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void setIfPresent(Message message, String header, Object value) {
        if (value != null) {
            message.setHeader(header, String.valueOf(value));
        }
    }

    private static String withoutUrls(String text) {
        return text == null ? "" : URL.matcher(text).replaceAll("<url>");
    }

}
