package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Racing deletes of the same ids from many threads: each activity is deleted exactly once, the rest are not found. */
class ConcurrentDeletesTest {

    @Test
    void eachActivityIsDeletedExactlyOnceUnderRacingClients() throws Exception {
        int ids = 200;
        int threads = 6;
        try (Bitrix24Simulator sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(ids)
                .ratePlan(RatePlan.OFF).start()) {
            SimulatorHttpClient http = new SimulatorHttpClient();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<int[]>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        int[] outcome = new int[2];
                        for (int id = 1; id <= ids; id++) {
                            SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
                            outcome[reply.status() == 200 ? 0 : 1]++;
                        }
                        return outcome;
                    }));
                }
                int deleted = 0;
                int notFound = 0;
                for (Future<int[]> f : futures) {
                    deleted += f.get()[0];
                    notFound += f.get()[1];
                }
                assertThat(deleted).isEqualTo(ids);
                assertThat(notFound).isEqualTo(ids * (threads - 1));
                assertThat(sim.control().activityCount()).isZero();
                assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo((long) ids * threads);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
