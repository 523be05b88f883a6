package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Simulated processing time drawn from a range with the seeded random: each call's draw is reported in
 * {@code time.processing} and charged to {@code operating}; the same seed repeats the same draws, and per activity
 * the draw depends only on the seed and the activity id.
 */
class ProcessingTimeDistributionTest {

    /** The real time of a call on top of its draw, generously. */
    private static final double REAL_TIME = 0.05;
    private static final OperatingTimeLimit SPREAD = OperatingTimeLimit.DEFAULT
            .withProcessingTime(Duration.ofMillis(100), Duration.ofMillis(900));

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = startWith(SPREAD, 42L);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private static Bitrix24Simulator startWith(OperatingTimeLimit limit, long randomSeed) {
        return Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(100).ratePlan(RatePlan.OFF)
                .randomSeed(randomSeed).operatingTimeLimit(limit).start();
    }

    private static JsonNode time(Bitrix24Simulator on, String call) throws Exception {
        SimulatorHttpClient.Reply reply = http.get(on.webhookUrl() + call);
        assertThat(reply.status()).as(call).isEqualTo(200);
        return reply.json().get("time");
    }

    private static List<Double> processingOfDeletes(Bitrix24Simulator on, int count) throws Exception {
        List<Double> values = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            values.add(time(on, "crm.activity.delete?id=" + id).get("processing").asDouble());
        }
        return values;
    }

    @Test
    void eachCallIsChargedADrawFromTheRange() throws Exception {
        double sum = 0;
        List<Double> values = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            JsonNode time = time(sim, "crm.activity.delete?id=" + id);
            double processing = time.get("processing").asDouble();
            assertThat(processing).isBetween(0.1, 0.9 + REAL_TIME);
            assertThat(time.get("duration").asDouble()).isEqualTo(processing);
            sum += processing;
            assertThat(time.get("operating").asDouble()).isCloseTo(sum, within(1e-6));
            values.add(processing);
        }
        // twenty draws from 0.1..0.9 s: a fixed time would give one value, a real spread covers most of the range
        assertThat(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - values.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).isGreaterThan(0.4);
    }

    @Test
    void theSameSeedDrawsTheSameSequence() throws Exception {
        List<Double> first = processingOfDeletes(sim, 6);
        try (Bitrix24Simulator twin = startWith(SPREAD, 42L); Bitrix24Simulator other = startWith(SPREAD, 43L)) {
            List<Double> twins = processingOfDeletes(twin, 6);
            List<Double> others = processingOfDeletes(other, 6);
            for (int i = 0; i < first.size(); i++) {
                assertThat(twins.get(i)).as("draw %d", i).isCloseTo(first.get(i), within(REAL_TIME));
            }
            assertThat(differences(first, others)).as("another seed, other draws").isGreaterThanOrEqualTo(3);
        }
        sim.control().reset();
        List<Double> afterReset = processingOfDeletes(sim, 6);
        assertThat(differences(first, afterReset)).as("a reset starts the sequence again").isZero();
    }

    private static long differences(List<Double> a, List<Double> b) {
        long count = 0;
        for (int i = 0; i < a.size(); i++) {
            if (Math.abs(a.get(i) - b.get(i)) > REAL_TIME) {
                count++;
            }
        }
        return count;
    }

    @Test
    void perActivityTheDrawDependsOnlyOnTheSeedAndTheId() throws Exception {
        sim.control().setOperatingTimeLimit(SPREAD.withProcessingPerActivity(true));
        double five = time(sim, "crm.activity.get?id=5").get("processing").asDouble();
        List<Double> others = new ArrayList<>();
        for (int id = 6; id <= 11; id++) {
            others.add(time(sim, "crm.activity.get?id=" + id).get("processing").asDouble());
        }
        time(sim, "profile");
        assertThat(time(sim, "crm.activity.get?id=5").get("processing").asDouble()).isCloseTo(five, within(REAL_TIME));
        assertThat(time(sim, "crm.activity.delete?ID=5").get("processing").asDouble()).isCloseTo(five, within(REAL_TIME));
        assertThat(others).as("other activities, other draws")
                .anySatisfy(value -> assertThat(Math.abs(value - five)).isGreaterThan(REAL_TIME));
        try (Bitrix24Simulator twin = startWith(SPREAD.withProcessingPerActivity(true), 42L)) {
            time(twin, "crm.activity.get?id=9");
            assertThat(time(twin, "crm.activity.get?id=5").get("processing").asDouble())
                    .isCloseTo(five, within(REAL_TIME));
        }
    }

    @Test
    void theOperatingTimeLimitBindsOnTheSumOfTheDraws() throws Exception {
        sim.control().setOperatingTimeLimit(OperatingTimeLimit.DEFAULT.withLimit(Duration.ofSeconds(1))
                .withBucketLength(Duration.ofSeconds(2))
                .withProcessingTime(Duration.ofMillis(100), Duration.ofMillis(200)));
        double operating = 0;
        int id = 1;
        while (operating <= 1.0) {
            SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
            assertThat(reply.status()).as("call %d, %.3f s used", id, operating).isEqualTo(200);
            operating = reply.json().get("time").get("operating").asDouble();
            id++;
        }
        // 1 s of draws of 0.1..0.2 s takes 6 to 11 calls
        assertThat(id - 1).isBetween(6, 11);
        SimulatorHttpClient.Reply blocked = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.error()).isEqualTo("OPERATION_TIME_LIMIT");
        assertThat(sim.control().activityExists(id)).isTrue();
    }
}
