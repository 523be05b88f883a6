package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker stops mid-stream and starts again on the same data folder and ports, more than once, while one
 * pipeline instance keeps running: afterwards every request has an outcome, none was parked as a failure, the
 * requests processed twice are bounded, every requested activity is gone, and the pipeline did it by itself.
 */
@Tag("fire")
class BrokerRestartLosesNoRequestTest {

    private static final int CONSUMER_THREADS = 3;
    /** The product's own setting: what one consumer may hold uncommitted when the broker goes away. */
    private static final int MAX_POLL_RECORDS = PipelineSettings.load().getInt("bitrix24.consumer.max-poll-records");

    @Test
    void thePipelineResumesByItselfAndLosesNothingWhenTheBrokerRestarts(@TempDir Path dir) throws Exception {
        int requests = FireFigures.figure("broker.requests", 2_000, 10_000);
        int restarts = FireFigures.figure("broker.restarts", 2, 5);
        long seed = FireFigures.seed();
        Random random = new Random(seed);
        System.out.printf("broker restart test: %d requests, %d restarts, seed %d%n", requests, restarts, seed);

        String host = "127.0.0.1";
        int port = EmbeddedKafkaBroker.freePort(host);
        int controllerPort = EmbeddedKafkaBroker.freePort(host);
        Path data = dir.resolve("kafka-data");
        EmbeddedKafkaBroker broker = startBroker(port, controllerPort, data);
        try (Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1)
                .seed(requests + 100).ratePlan(RatePlan.OFF).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
             TopicLoad load = new TopicLoad(broker.bootstrapServers())) {
            SimulatorControl control = simulator.control();
            PipelineTopics t = new PipelineTopics("restart.requests", "restart.succeeded", "restart.not-found",
                    "restart.rejected", "restart.invalid", "restart.dlq");
            t.createMissing(kafka.admin(), 3);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 1; i <= requests; i++) {
                records.add(new ProducerRecord<>(t.requests(), utf8("r-" + i), utf8("{\"id\":" + i + ",\"requestId\":\"r-" + i + "\"}")));
            }
            load.sendAll(records);

            Map<String, String> settings = PipelineTestEnvironment.settings(broker.bootstrapServers(), simulator.webhookUrl(), t,
                    "restart-group");
            // the simulator enforces no rate limit here, so the client keeps none either (the test is about the broker)
            settings.put("camel.component.bitrix24.rate-plan", "off");
            settings.put("bitrix24.consumer.threads", String.valueOf(CONSUMER_THREADS));
            List<Long> outcomesAtStop = new ArrayList<>();
            try (Pipeline pipeline = Pipeline.start(settings)) {
                for (int r = 0; r < restarts; r++) {
                    long target = (long) requests * (r + 1) / (restarts + 2) + random.nextInt(Math.max(1, requests / 20));
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (load.count(t.outcomeTopics()) < target) {
                        assertThat(System.nanoTime()).as("%d outcomes within 120 s of the last restart", target)
                                .isLessThan(deadline);
                        Thread.sleep(20);
                    }
                    outcomesAtStop.add(load.count(t.outcomeTopics()));
                    broker.close();
                    Thread.sleep(1000 + random.nextInt(3000));
                    broker = startBroker(port, controllerPort, data);
                }
                awaitEveryKey(kafka, t, requests);
            }

            List<Outcome> outcomes = new ArrayList<>();
            for (String topic : t.outcomeTopics()) {
                kafka.readAll(topic).forEach(rec -> outcomes.add(new Outcome(topic, rec)));
            }
            Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
            long notFound = outcomes.stream().filter(o -> o.topic().equals(t.notFound())).count();
            int duplicates = outcomes.size() - byKey.size();
            FireFigures.report("broker restart test: %d requests, %d restarts (outcomes at each stop: %s), %d outcomes, "
                    + "%d duplicate outcomes, %d not-found (deleted before the broker went away), lost %d",
                    requests, restarts, outcomesAtStop, outcomes.size(), duplicates, notFound, requests - byKey.size());

            assertThat(byKey).as("every request has an outcome").hasSize(requests);
            assertThat(outcomes).as("a broker away is not a Bitrix24 failure: nothing parked on dlq, rejected or invalid")
                    .allSatisfy(o -> assertThat(o.topic()).isIn(t.succeeded(), t.notFound()));
            long touchedTwice = byKey.values().stream()
                    .filter(list -> list.size() > 1 || list.stream().anyMatch(o -> o.topic().equals(t.notFound()))).count();
            assertThat(touchedTwice).as("requests processed twice: at most a poll's worth per restart")
                    .isLessThanOrEqualTo((long) restarts * CONSUMER_THREADS * MAX_POLL_RECORDS);
            for (int i = 1; i <= requests; i++) {
                assertThat(control.activityExists(i)).as("activity %d", i).isFalse();
            }
            for (int i = requests + 1; i <= requests + 100; i++) {
                assertThat(control.activityExists(i)).as("bystander %d", i).isTrue();
            }
        } finally {
            broker.close();
        }
    }

    private static EmbeddedKafkaBroker startBroker(int port, int controllerPort, Path data) {
        return EmbeddedKafkaBroker.builder().port(port).controllerPort(controllerPort).dataDir(data).start();
    }

    private static void awaitEveryKey(KafkaTestClient kafka, PipelineTopics t, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            long keys = t.outcomeTopics().stream().flatMap(topic -> kafka.readAll(topic).stream())
                    .map(r -> KafkaTestClient.text(r.key())).distinct().count();
            if (keys >= requests) {
                return;
            }
            assertThat(System.nanoTime()).as("every request has an outcome within 4 minutes (%d of %d)", keys, requests)
                    .isLessThan(deadline);
            Thread.sleep(1000);
        }
    }
}
