package dev.camelbitrix24.app;

import java.util.List;

/**
 * The Kafka header names the pipeline writes on outcome records (fixed by the project's contract) and on replayed
 * requests. Every value is a UTF-8 string.
 */
public final class OutcomeHeaders {

    public static final String OUTCOME = "bitrix24.outcome";
    public static final String ERROR_CODE = "bitrix24.error.code";
    public static final String ERROR_DESCRIPTION = "bitrix24.error.description";
    public static final String HTTP_STATUS = "bitrix24.http.status";
    public static final String ATTEMPTS = "bitrix24.attempts";
    public static final String REQUEST_ID = "bitrix24.request.id";
    public static final String ORIGINAL_TOPIC = "bitrix24.original.topic";
    public static final String ORIGINAL_PARTITION = "bitrix24.original.partition";
    public static final String ORIGINAL_OFFSET = "bitrix24.original.offset";
    public static final String ORIGINAL_TIMESTAMP = "bitrix24.original.timestamp";
    /**
     * On a failure's record: {@code true} when an attempt may have reached Bitrix24 without its answer arriving, so the
     * activity may be gone already. Not an outcome header: a replayed request keeps it, and its
     * {@code Activity is not found.} is then reported as deleted, confirmed on retry.
     */
    public static final String MAY_HAVE_DELETED = "bitrix24.may-have-deleted";
    /**
     * On an outcome record Kafka refused as too large and that was written trimmed: what was dropped, a comma-separated
     * list of {@code key}, {@code value}, {@code headers} (the request's own) and {@code description} (cut).
     */
    public static final String TRIMMED = "bitrix24.trimmed";
    /**
     * On the outcomes of a filter request: {@code activity} on the outcome of one activity it selected (the record
     * points back at the filter request with {@code bitrix24.original.*}), {@code summary} on its summary. Not an
     * outcome header: the replay command leaves per-activity outcomes alone (their filter's summary replays them).
     */
    public static final String FILTER = "bitrix24.filter";
    /** On the outcome of one activity a filter request selected: the activity's id. */
    public static final String FILTER_ACTIVITY_ID = "bitrix24.filter.activity-id";
    /** {@link #FILTER} on a per-activity outcome. */
    public static final String FILTER_ACTIVITY = "activity";
    /** {@link #FILTER} on a filter request's summary. */
    public static final String FILTER_SUMMARY = "summary";
    /** The outcome of a filter request whose every selected activity ended deleted or not found (succeeded topic). */
    public static final String FILTERED = "FILTERED";
    /** The outcome of a filter request some of whose activities failed, or whose listing failed (dead-letter topic). */
    public static final String FILTER_INCOMPLETE = "FILTER_INCOMPLETE";

    /** On a request put back by the replay command: how many times it has been replayed so far. */
    public static final String REPLAY_COUNT = "bitrix24.replay.count";

    /** The outcome value on the succeeded topic. */
    public static final String DELETED = "DELETED";
    /** The outcome of a failure inside the pipeline itself (not a Bitrix24 answer); it goes to the dead-letter topic. */
    public static final String PIPELINE_ERROR = "PIPELINE_ERROR";

    /** The headers that describe one outcome: a request arriving with any of them (a replayed one) has them replaced. */
    public static final List<String> OUTCOME_HEADERS = List.of(OUTCOME, ERROR_CODE, ERROR_DESCRIPTION, HTTP_STATUS,
            ATTEMPTS, REQUEST_ID, ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET, ORIGINAL_TIMESTAMP, TRIMMED);

    private OutcomeHeaders() {
    }
}
