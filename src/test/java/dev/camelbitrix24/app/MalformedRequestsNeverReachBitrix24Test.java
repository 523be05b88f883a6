package dev.camelbitrix24.app;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The corpus of malformed requests in {@code src/test/resources/bad-input/} (see its README), interleaved with valid
 * requests: each malformed one gets exactly one INVALID_REQUEST outcome on the invalid topic, its original bytes and
 * a description that says what is wrong in words; none of them reaches Bitrix24 (the simulator's call counters, batch
 * commands included), every valid one is deleted, nothing else is, and the consumer commits to the end of the topic.
 */
@Tag("fire")
class MalformedRequestsNeverReachBitrix24Test {

    private static final Pattern REPEAT = Pattern.compile("\\{\\{(.+?)\\*(\\d+)}}");
    private static final int DESCRIPTION_LIMIT = 300;
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    /** One malformed request of the corpus. */
    record BadInput(String name, byte[] value, String expectedPhrase) {
    }

    @Test
    void everyMalformedRequestEndsOnceOnTheInvalidTopicAndNoneReachesBitrix24() throws Exception {
        List<BadInput> corpus = corpus();
        assertThat(corpus).as("the corpus").hasSizeGreaterThanOrEqualTo(60);

        PipelineTopics t = env.newTopics("bad-input", 3);
        SimulatorControl control = env.simulator.control();
        Map<String, Long> callsBefore = control.callCounts();
        long firstValidId = 700;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, byte[]> sentValues = new HashMap<>();
        int valid = 0;
        for (BadInput bad : corpus) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("case", utf8(bad.name()));
            records.add(new ProducerRecord<>(t.requests(), null, utf8("bad:" + bad.name()), bad.value(), headers));
            sentValues.put("bad:" + bad.name(), bad.value());
            long id = firstValidId + valid++;
            records.add(new ProducerRecord<>(t.requests(), utf8("good:" + id),
                    utf8("{\"id\":" + id + ",\"requestId\":\"good-" + id + "\"}")));
        }
        int validCount = valid;
        try (TopicLoad load = new TopicLoad(env.broker.bootstrapServers())) {
            load.sendAll(records);
        }

        Map<String, String> settings = env.settings(t, "bad-input-group");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.awaitOutcomes(t, records.size(), Duration.ofSeconds(90));
            // the consumer never stalls: its committed offsets reach the end of every partition
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    env.kafka.committed("bad-input-group", t.requests()).values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(records.size()));
        }

        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(records.size());
        Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
        for (BadInput bad : corpus) {
            List<Outcome> mine = byKey.get("bad:" + bad.name());
            assertThat(mine).as(bad.name()).hasSize(1);
            Outcome o = mine.get(0);
            String description = o.header(OutcomeHeaders.ERROR_DESCRIPTION);
            assertThat(o.topic()).as(bad.name()).isEqualTo(t.invalid());
            assertThat(o.header(OutcomeHeaders.OUTCOME)).as(bad.name()).isEqualTo("INVALID_REQUEST");
            assertThat(o.header(OutcomeHeaders.ATTEMPTS)).as(bad.name()).isEqualTo("0");
            assertThat(o.header(OutcomeHeaders.HTTP_STATUS)).as(bad.name()).isNull();
            assertThat(o.header("case")).as("the request's own header").isEqualTo(bad.name());
            assertThat(o.record().value()).as("original bytes of %s", bad.name()).isEqualTo(sentValues.get("bad:" + bad.name()));
            if (o.header(OutcomeHeaders.REQUEST_ID) != null) {
                assertThat(o.header(OutcomeHeaders.REQUEST_ID)).as("requestId echoed for %s", bad.name())
                        .hasSizeLessThanOrEqualTo(DeletionRequest.REQUEST_ID_LIMIT);
            }
            assertThat(description).as("description of %s", bad.name())
                    .isNotBlank()
                    .contains(bad.expectedPhrase())
                    .hasSizeLessThanOrEqualTo(DESCRIPTION_LIMIT)
                    .doesNotContain("Exception", "\tat ", "com.fasterxml", "dev.camelbitrix24", "`")
                    .doesNotContainPattern("\\p{Cntrl}");
            System.out.printf("%-45s %s%n", bad.name(), description);
        }
        for (int i = 0; i < validCount; i++) {
            long id = firstValidId + i;
            List<Outcome> mine = byKey.get("good:" + id);
            assertThat(mine).as("valid request for %d", id).hasSize(1);
            assertThat(mine.get(0).topic()).isEqualTo(t.succeeded());
            assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
        }
        // the simulator saw exactly the valid deletes: one call each, as single calls or as batch commands
        Map<String, Long> callsAfter = control.callCounts();
        assertThat(callsAfter.getOrDefault("crm.activity.delete", 0L) - callsBefore.getOrDefault("crm.activity.delete", 0L))
                .as("deletes that reached Bitrix24").isEqualTo(validCount);
        Map<String, Long> others = new HashMap<>(callsAfter);
        others.keySet().removeAll(List.of("crm.activity.delete", "batch"));
        callsBefore.keySet().forEach(k -> others.computeIfPresent(k, (m, n) -> n - callsBefore.get(k)));
        assertThat(others.values()).as("no other method was called").allMatch(n -> n == 0);
        // nothing else was deleted: ids quoted inside malformed requests (5, 7, 12, 42, ...) are all still there
        for (long id = 1; id <= 1000; id++) {
            boolean requested = id >= firstValidId && id < firstValidId + validCount;
            assertThat(control.activityExists(id)).as("activity %d", id).isEqualTo(!requested);
        }
    }

    /** Reads every case of {@code bad-input/}. */
    static List<BadInput> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(MalformedRequestsNeverReachBitrix24Test.class.getResource("/bad-input").toURI());
        Properties expected = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve("expected-descriptions.properties"), StandardCharsets.UTF_8)) {
            expected.load(reader);
        }
        List<BadInput> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.matches(".+\\.(bin|gen|null)")) {
                    continue; // README.md, expected-descriptions.properties
                }
                int dot = fileName.lastIndexOf('.');
                String name = fileName.substring(0, dot);
                byte[] value = switch (fileName.substring(dot + 1)) {
                    case "bin" -> Files.readAllBytes(file);
                    case "gen" -> expand(Files.readAllLines(file, StandardCharsets.UTF_8).get(0)).getBytes(StandardCharsets.UTF_8);
                    default -> null;
                };
                String phrase = expected.getProperty(name);
                if (phrase == null) {
                    throw new IllegalStateException("no expected description for bad-input case " + name);
                }
                corpus.add(new BadInput(name, value, phrase));
            }
        }
        return corpus;
    }

    static String expand(String recipe) {
        Matcher m = REPEAT.matcher(recipe);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
