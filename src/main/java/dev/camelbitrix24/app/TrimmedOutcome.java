package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The trimmed form of an outcome record Kafka refused as too large (over the producer's {@code max.request.size} or
 * the topic's {@code max.message.bytes}): writing the same record again can never succeed, so it is written once
 * more at once without the large parts it echoes from the request. Kept: the outcome, every {@code bitrix24.*}
 * header (the error description cut to {@value #MAX_DESCRIPTION} characters), and each part echoed from the request
 * (its key, its value, its own headers) that is at most {@value #MAX_ECHOED_BYTES} bytes. A larger part is dropped:
 * the value becomes {@code {"id":..,"requestId":..}} (a request that replays as the same delete) when the request was
 * valid, else empty. {@code bitrix24.trimmed} names what was dropped.
 */
final class TrimmedOutcome {

    /** The largest part echoed from the request (key, value, its own headers together) that a trimmed record keeps. */
    static final int MAX_ECHOED_BYTES = 1024;
    static final int MAX_DESCRIPTION = 1024;
    private static final int MAX_ERROR_CODE = 256;
    private static final Set<String> OURS = ours();

    private TrimmedOutcome() {
    }

    /**
     * Whether Kafka refused the record as too large: the producer's own check ({@link RecordTooLargeException} before
     * sending) or the broker's {@code MESSAGE_TOO_LARGE} / {@code RECORD_LIST_TOO_LARGE}. Either way nothing was
     * appended: the producer splits a batch the broker refuses as too large and fails only the record that is too
     * large alone, and such a failure is final (not retriable), so the record is never resent later.
     */
    static boolean refusedAsTooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (refusedAsTooLarge(suppressed)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** A copy of the refused outcome exchange that writes the trimmed record. */
    static Exchange of(Exchange refused) {
        Exchange trimmed = refused.copy();
        trimmed.setException(null);
        trimmed.setRouteStop(false);
        Message message = trimmed.getMessage();
        List<String> dropped = new ArrayList<>();

        Object key = message.getHeader(KafkaConstants.KEY);
        if (size(key) > MAX_ECHOED_BYTES) {
            message.removeHeader(KafkaConstants.KEY);
            dropped.add("key");
        }
        if (!OutcomeHeaders.DELETED.equals(message.getHeader(OutcomeHeaders.OUTCOME, String.class))
                && size(message.getBody()) > MAX_ECHOED_BYTES) {
            // the request's original bytes; the succeeded value is the pipeline's own, a few hundred bytes at most
            DeletionRequest request = trimmed.getProperty(RequestValidator.REQUEST, DeletionRequest.class);
            message.setBody(request == null ? new byte[0] : minimalRequest(request));
            dropped.add("value");
        }
        List<String> ownHeaders = message.getHeaders().keySet().stream().filter(TrimmedOutcome::isRequestsOwn).toList();
        long ownHeadersSize = 0;
        for (String name : ownHeaders) {
            ownHeadersSize += name.length() + size(message.getHeader(name));
        }
        if (ownHeadersSize > MAX_ECHOED_BYTES) {
            ownHeaders.forEach(message::removeHeader);
            dropped.add("headers");
        }
        if (cut(message, OutcomeHeaders.ERROR_DESCRIPTION, MAX_DESCRIPTION) | cut(message, OutcomeHeaders.ERROR_CODE, MAX_ERROR_CODE)) {
            dropped.add("description");
        }
        message.setHeader(OutcomeHeaders.TRIMMED, dropped.isEmpty() ? "none" : String.join(",", dropped));
        return trimmed;
    }

    /** What the request's value says, and nothing else: the same delete when replayed. */
    private static byte[] minimalRequest(DeletionRequest request) {
        StringBuilder json = new StringBuilder(64).append("{\"id\":").append(request.id());
        if (request.requestId() != null) {
            json.append(",\"requestId\":\"").append(JsonStringEncoder.getInstance().quoteAsString(request.requestId())).append('"');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A header the request brought (camel-kafka writes every header but its own and Camel's), not one of ours. */
    private static boolean isRequestsOwn(String name) {
        return !name.startsWith("kafka.") && !name.startsWith("Camel") && !OURS.contains(name);
    }

    private static boolean cut(Message message, String header, int maxChars) {
        String value = message.getHeader(header, String.class);
        if (value == null || value.length() <= maxChars) {
            return false;
        }
        int end = Character.isHighSurrogate(value.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        message.setHeader(header, value.substring(0, end));
        return true;
    }

    private static Set<String> ours() {
        Set<String> ours = new java.util.HashSet<>(OutcomeHeaders.OUTCOME_HEADERS);
        ours.add(OutcomeHeaders.MAY_HAVE_DELETED);
        ours.add(OutcomeHeaders.REPLAY_COUNT);
        return Set.copyOf(ours);
    }

    private static long size(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8).length;
    }
}
