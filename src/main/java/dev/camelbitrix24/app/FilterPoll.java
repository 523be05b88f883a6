package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter requests of one poll (see {@link FilterRequest}): a filter may select 100,000 activities and take hours
 * under the portal's limits, so it cannot run inside one poll. Each poll does one page of it, and the filter request
 * stays uncommitted, like a held request, until its summary is written:
 * <ol>
 * <li>{@link #setAside}: the filter requests are taken out of the poll's run; per partition the first one is worked on,
 * the ones behind it wait their turn (the other requests behind it run, and are remembered as done);</li>
 * <li>{@link #listPages}: the page after the cursor is listed ({@code bitrix24:crm.activity.list}, paced with the
 * deletes), or the page being attempted is taken up again;</li>
 * <li>the page's ids are named in the partition's commit metadata ({@link FilterProgress}) before their deletes leave;</li>
 * <li>{@link #activities}: each id is sent through the per-request route as an id request carrying the filter
 * request's requestId, key and headers, and headers pointing back at it ({@code bitrix24.original.*} are its topic,
 * partition and offset; {@code bitrix24.filter=activity}, {@code bitrix24.filter.activity-id}), so that batching, the
 * outcome topics and every delivery guarantee of an id request hold for it;</li>
 * <li>{@link #settle}: acknowledged outcomes count; once a page is complete the cursor moves on; after the last page
 * and every outcome of it, the summary is written, and the filter request is then committed past.</li>
 * </ol>
 * A dry run lists and counts, and writes only the summary. Per-activity outcomes of a dry run would tell no more than
 * the count, and a page of ids per poll written to a topic was judged not worth it.
 */
final class FilterPoll {

    private static final Logger LOG = LoggerFactory.getLogger(FilterPoll.class);
    static final String LIST_ENDPOINT = "bitrix24:crm.activity.list";

    private final CamelContext camelContext;
    private final ProducerTemplate template;
    private final PipelineTopics topics;
    private final ConsumerState state;
    private final Map<TopicPartition, Active> active = new LinkedHashMap<>();
    private final Set<TopicPartition> newPages = new HashSet<>();

    /** The filter request worked on in a partition, and the requests of its page in this poll. */
    private static final class Active {
        final PollRequest request;
        final FilterRequest filter;
        FilterProgress progress;
        final Map<PollRequest, Long> activities = new LinkedHashMap<>();
        Bitrix24Exception listFailure;

        Active(PollRequest request, FilterRequest filter) {
            this.request = request;
            this.filter = filter;
        }
    }

    FilterPoll(CamelContext camelContext, ProducerTemplate template, PipelineTopics topics, ConsumerState state) {
        this.camelContext = camelContext;
        this.template = template;
        this.topics = topics;
        this.state = state;
    }

    /**
     * The requests of the poll that are not filter requests. A filter request is not run by the route (it is left
     * uncommitted, {@code deferred}); one that is invalid is left among the others, for the route's
     * {@code INVALID_REQUEST}.
     */
    List<PollRequest> setAside(List<PollRequest> fresh) {
        List<PollRequest> others = new ArrayList<>(fresh.size());
        for (PollRequest request : fresh) {
            FilterRequest filter;
            try {
                filter = FilterRequest.parseOrNull(request.exchange.getMessage().getBody(byte[].class));
            } catch (InvalidRequestException invalid) {
                others.add(request);
                continue;
            }
            if (filter == null) {
                others.add(request);
                continue;
            }
            request.deferred = true;
            Active current = active.get(request.partition);
            if (current == null || request.offset < current.request.offset) {
                active.put(request.partition, new Active(request, filter));
            }
        }
        return others;
    }

    /**
     * For each filter request worked on: its progress (this consumer's, else a fresh start), then its page: the ids of
     * the page being attempted that have no outcome yet, or a new page listed after the cursor. A listing the portal
     * makes wait holds the filter request (the consumer pauses); one that fails for good ends the filter request
     * with a summary on the dead-letter topic.
     */
    void listPages(PortalWaitPause pause, long pollStartedAt) {
        for (Map.Entry<TopicPartition, Active> entry : active.entrySet()) {
            Active a = entry.getValue();
            FilterProgress progress = state.filters.get(entry.getKey());
            if (progress == null || progress.offset != a.request.offset) {
                // a filter request met for the first time (an older one in the map is done: its summary was found)
                progress = new FilterProgress(a.request.offset);
                state.filters.put(entry.getKey(), progress);
            }
            a.progress = progress;
            if (progress.finished) {
                continue;
            }
            if (progress.page == null) {
                list(entry.getKey(), a, pause, pollStartedAt);
            }
            if (progress.page != null) {
                for (long id : progress.pending()) {
                    a.activities.put(activityRequest(a, id, progress.mayHaveDeleted.contains(id)), id);
                }
            }
        }
    }

    private void list(TopicPartition partition, Active a, PortalWaitPause pause, long pollStartedAt) {
        FilterProgress progress = a.progress;
        Exchange page = template.send(LIST_ENDPOINT, e -> {
            e.getMessage().setBody(a.filter.filter().json());
            e.getMessage().setHeader(Bitrix24Constants.LIST_AFTER_ID, progress.cursor);
        });
        Exception failure = page.getException();
        if (failure instanceof Bitrix24RetryLaterException later) {
            a.request.held = later;
            Bitrix24PortalWait wait = later.getPortalWait();
            LOG.info("Filter request {} ({}@{}) held: listing its next page waits ({}){}",
                    RequestText.quoted(a.filter.requestId()), partition, a.request.offset,
                    wait == null ? "the endpoint stopped" : wait.reason(),
                    wait == null ? "" : ": " + PortalWaitPause.describe(wait));
            if (wait != null && pause != null) {
                pause.pauseUntil(wait);
            }
            return;
        }
        if (failure != null) {
            a.listFailure = failure instanceof Bitrix24Exception typed ? typed
                    : new Bitrix24Exception(Bitrix24ErrorType.SERVER_ERROR, null, failure.getClass().getSimpleName(),
                            0, false, 0, failure);
            progress.finished = true;
            return;
        }
        @SuppressWarnings("unchecked")
        List<Long> ids = page.getMessage().getBody(List.class);
        long next = page.getMessage().getHeader(Bitrix24Constants.LIST_AFTER_ID_NEXT, Long.class);
        boolean more = Boolean.TRUE.equals(page.getMessage().getHeader(Bitrix24Constants.LIST_MORE, Boolean.class));
        if (a.filter.dryRun()) {
            progress.counted(ids, next, !more);
        } else if (ids.isEmpty()) {
            progress.finished = true;
        } else {
            progress.attempt(ids, !more, pollStartedAt);
            newPages.add(partition);
        }
    }

    /**
     * An id request for one activity of the filter request: its requestId in the value, the filter request's key and
     * headers (so that {@code bitrix24.original.*} point back at it), and the filter headers.
     */
    private PollRequest activityRequest(Active a, long id, boolean mayHaveDeleted) {
        Exchange exchange = new DefaultExchange(camelContext);
        Message message = exchange.getMessage();
        Map<String, Object> headers = new HashMap<>(a.request.exchange.getMessage().getHeaders());
        headers.remove(KafkaConstants.MANUAL_COMMIT);
        headers.remove(OutcomeHeaders.MAY_HAVE_DELETED);
        headers.remove(Bitrix24Constants.MAY_HAVE_DELETED);
        message.setHeaders(headers);
        message.setHeader(OutcomeHeaders.FILTER, OutcomeHeaders.FILTER_ACTIVITY);
        message.setHeader(OutcomeHeaders.FILTER_ACTIVITY_ID, String.valueOf(id));
        if (mayHaveDeleted) {
            message.setHeader(Bitrix24Constants.MAY_HAVE_DELETED, true);
        }
        String requestId = a.filter.requestId();
        message.setBody(("{\"id\":" + id + (requestId == null ? "" : ",\"requestId\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(requestId)) + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8));
        return new PollRequest(exchange, a.request.consumer, a.request.partition, a.request.offset);
    }

    /** The partitions whose filter request attempts a new page: it must be named in their commit first. */
    Set<TopicPartition> newPages() {
        return newPages;
    }

    /** The commit naming the new pages failed: they are not sent (listed again next poll). */
    void abandonNewPages() {
        for (TopicPartition partition : newPages) {
            Active a = active.get(partition);
            a.activities.clear();
            a.progress.page = null;
        }
        newPages.clear();
    }

    /** The per-activity requests of this poll's pages. */
    List<PollRequest> activities() {
        List<PollRequest> all = new ArrayList<>();
        active.values().forEach(a -> all.addAll(a.activities.keySet()));
        return all;
    }

    /**
     * The portal made some deletes of a page wait: the consumer pauses until it can take them, and the ones that may
     * have reached Bitrix24 say so when they go again.
     */
    void hold(PortalWaitPause pause) {
        Bitrix24PortalWait latest = null;
        for (Active a : active.values()) {
            for (Map.Entry<PollRequest, Long> activity : a.activities.entrySet()) {
                Bitrix24RetryLaterException later = activity.getKey().exchange.getException(Bitrix24RetryLaterException.class);
                if (later == null) {
                    continue;
                }
                activity.getKey().held = later;
                Bitrix24PortalWait wait = later.getPortalWait();
                if (wait != null && (latest == null || wait.until().isAfter(latest.until()))) {
                    latest = wait;
                }
            }
        }
        if (latest != null && pause != null) {
            pause.pauseUntil(latest);
        }
    }

    /**
     * After the run and the rewriting of refused outcomes: the acknowledged outcomes count, the others stay pending
     * (marked when their delete may have run); a finished filter request gets its summary, and once Kafka
     * acknowledged it the filter request counts as written, so that the commit passes it.
     */
    void settle() {
        for (Map.Entry<TopicPartition, Active> entry : active.entrySet()) {
            Active a = entry.getValue();
            FilterProgress progress = a.progress;
            if (progress == null) {
                continue;
            }
            for (Map.Entry<PollRequest, Long> activity : a.activities.entrySet()) {
                PollRequest request = activity.getKey();
                if (request.written()) {
                    progress.done(activity.getValue(), request.exchange.getMessage().getHeader(OutcomeHeaders.OUTCOME,
                            String.class));
                } else if (request.mayHaveDeleted()) {
                    progress.mayHaveDeleted.add(activity.getValue());
                }
            }
            if (progress.finished && writeSummary(a)) {
                a.request.written = true;
                state.filters.remove(entry.getKey());
            }
        }
    }

    /** After an unexpected failure of the poll: every delete of a page in progress may have run. */
    void rewind() {
        for (Active a : active.values()) {
            if (a.progress != null) {
                a.progress.mayHaveDeleted.addAll(a.progress.pending());
            }
        }
    }

    private boolean writeSummary(Active a) {
        Exchange summary = new DefaultExchange(camelContext);
        Map<String, Object> headers = new HashMap<>(a.request.exchange.getMessage().getHeaders());
        headers.remove(KafkaConstants.MANUAL_COMMIT);
        summary.getMessage().setHeaders(headers);
        boolean succeeded = OutcomeRecords.filterSummary(summary.getMessage(), a.filter, a.progress, a.listFailure);
        Exchange sent = template.send("kafka:" + (succeeded ? topics.succeeded() : topics.deadLetter()), summary);
        if (sent.getException() != null) {
            LOG.warn("The summary of filter request {} ({}@{}) was not written ({}); it is written again on the next "
                     + "poll", RequestText.quoted(a.filter.requestId()), a.request.partition, a.request.offset,
                    sent.getException().getMessage());
            return false;
        }
        return true;
    }
}
