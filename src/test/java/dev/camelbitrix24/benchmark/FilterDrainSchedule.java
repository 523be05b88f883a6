package dev.camelbitrix24.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.OutcomeHeaders;
import dev.camelbitrix24.app.Pipeline;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Phase {@code filter-standard}, standard plan: one filter request that selects N activities (20,000; quick 6,000)
 * among others, from the first list call to its summary, against the plan's schedule. List pages and deletes share
 * the portal's request bucket: the filter takes N/50 list pages, one more that comes back empty (the last full page
 * cannot tell it is the last), and N/50 batch calls of 50 deletes, so {@code R = 2 * N/50 + 1} requests. The bucket's
 * burst (50) goes at once and the rest at its drain rate (2 per second): the schedule is {@code (R - 50) / 2} seconds
 * (20,000: 375.5 s; quick: 95.5 s). A page's batch cannot leave before its list call answers and the next list call
 * needs the page's cursor, so each page costs two requests in a row; the deletes alone would take the
 * {@code drain-standard} schedule, (N - 2,500) / 100 per second.
 */
final class FilterDrainSchedule {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BYSTANDERS = 1_000;

    private FilterDrainSchedule() {
    }

    static Map<String, Object> run(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        int count = PipelineBenchmark.QUICK ? 6_000 : 20_000;
        int pages = (count + 49) / 50;
        int requests = pages + (count % 50 == 0 ? 1 : 0) + pages;
        double schedule = (requests - RatePlan.STANDARD.burst()) / RatePlan.STANDARD.perSecond();
        Duration atMost = Duration.ofSeconds((long) (2 * schedule) + 120);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("activities", count);
        r.put("requestsInSchedule", requests);
        r.put("scheduleSeconds", PipelineBenchmark.round(schedule));
        try (Bitrix24Simulator sim = PipelineBenchmark.simulator(RatePlan.STANDARD, 100)) {
            long first = sim.control().addActivities(ActivitySpec.plain().owner(3, 42), count);
            long bystander = sim.control().addActivities(ActivitySpec.plain().owner(3, 43), BYSTANDERS);
            PipelineTopics topics = kafka.newTopics("filter-drain");
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer(false)) {
                producer.send(new ProducerRecord<>(topics.requests(), BenchmarkKafka.bytes("erase-42"), BenchmarkKafka.bytes(
                        "{\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":42},\"requestId\":\"erase-42\"}"))).get();
            }
            PipelineBenchmark.log("filter-standard: one filter request selecting " + count + " activities, standard plan");
            long start;
            long wall = System.nanoTime();
            try (FirstBatchCall firstList = FirstBatchCall.watch(sim, "crm.activity.list");
                 Pipeline ignored = Pipeline.start(PipelineBenchmark.pipelineSettings(kafka, topics, sim.webhookUrl(),
                         "standard"))) {
                long deadline = System.nanoTime() + atMost.toNanos();
                while (kafka.count(topics.succeeded()) + kafka.count(topics.deadLetter()) < count + 1
                       && System.nanoTime() < deadline) {
                    PipelineBenchmark.sleep(Duration.ofSeconds(2));
                }
                start = firstList.atMillis();
            }
            List<ConsumerRecord<byte[], byte[]>> succeeded = kafka.readAll(topics.succeeded());
            ConsumerRecord<byte[], byte[]> summary = succeeded.stream().filter(c -> c.headers().lastHeader(
                    OutcomeHeaders.FILTER) != null && OutcomeHeaders.FILTER_SUMMARY.equals(PipelineBenchmark.utf8(
                    c.headers().lastHeader(OutcomeHeaders.FILTER).value()))).findFirst().orElse(null);
            long perActivity = succeeded.size() - (summary == null ? 0 : 1);
            r.put("finished", summary != null);
            r.put("perActivityOutcomes", perActivity);
            r.put("summary", summary == null ? null : JSON.readTree(summary.value()));
            r.put("otherOutcomes", kafka.count(topics.notFound()) + kafka.count(topics.rejected())
                                   + kafka.count(topics.invalid()) + kafka.count(topics.deadLetter()));
            if (summary != null && start > 0) {
                double seconds = (summary.timestamp() - start) / 1000.0;
                r.put("seconds", PipelineBenchmark.round(seconds));
                r.put("scheduleOverSeconds", PipelineBenchmark.round(schedule / seconds));
            } else {
                r.put("seconds", null);
                r.put("wallSecondsUntilGivenUp", PipelineBenchmark.round((System.nanoTime() - wall) / 1e9));
            }
            long left = 0;
            for (long id = first; id < first + count; id++) {
                left += sim.control().activityExists(id) ? 1 : 0;
            }
            long bystandersLeft = 0;
            for (long id = bystander; id < bystander + BYSTANDERS; id++) {
                bystandersLeft += sim.control().activityExists(id) ? 1 : 0;
            }
            r.put("selectedLeft", left);
            r.put("bystandersLeft", bystandersLeft);
            r.put("listCalls", sim.control().callCount("crm.activity.list"));
            r.put("batchCalls", sim.control().callCount("batch"));
            r.put("refused503", sim.control().rateLimitRejections());
            r.put("refused429", sim.control().operatingLimitRejections());
        }
        JsonNode summary = (JsonNode) r.get("summary");
        String figure = r.get("seconds") == null ? "no time (no summary)"
                : r.get("seconds") + " s = " + r.get("scheduleOverSeconds") + " of schedule";
        table.add(new String[] {"filter drain (standard plan, one filter selecting " + count + " of " + (count
            + BYSTANDERS + 100) + " activities; schedule " + PipelineBenchmark.round(schedule) + " s = (" + requests
            + " requests - 50 burst) / 2/s)", figure, "list calls " + r.get("listCalls") + ", batch calls "
            + r.get("batchCalls") + ", 503: " + r.get("refused503") + ", 429: " + r.get("refused429") + ", summary "
            + (summary == null ? "none" : summary.toString()) + ", selected left " + r.get("selectedLeft")
            + ", bystanders left " + r.get("bystandersLeft") + " of " + BYSTANDERS, ">= 0.95 of schedule, all deleted"});
        return r;
    }
}
