package dev.camelbitrix24.simulator;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own until Ctrl-C, configured by the environment variables of CONTRACT.md:
 * {@code BITRIX24_SIMULATOR_PORT} (8089), {@code _HTTPS_PORT} (8443, -1 = off), {@code _WEBHOOK_CODE} (simulator),
 * {@code _SEED} (1000), {@code _RATE_PLAN} (standard | enterprise | off), {@code _REPLY_LATENCY_MS} (0 = none,
 * {@code 600} or {@code 550-650}).
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ReplyLatency latency = ReplyLatency.parse(env("BITRIX24_SIMULATOR_REPLY_LATENCY_MS", "0"));
        Bitrix24Simulator simulator = Bitrix24Simulator.builder()
                .httpPort(Integer.parseInt(env("BITRIX24_SIMULATOR_PORT", "8089")))
                .httpsPort(Integer.parseInt(env("BITRIX24_SIMULATOR_HTTPS_PORT", "8443")))
                .webhookCode(env("BITRIX24_SIMULATOR_WEBHOOK_CODE", "simulator"))
                .seed(Long.parseLong(env("BITRIX24_SIMULATOR_SEED", "1000")))
                .ratePlan(RatePlan.parse(env("BITRIX24_SIMULATOR_RATE_PLAN", "standard")))
                .replyLatency(latency.min(), latency.max())
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "bitrix24-simulator-shutdown"));
        System.out.println("Bitrix24 simulator: " + simulator.baseUrl()
                + (simulator.httpsBaseUrl() == null ? "" : " and " + simulator.httpsBaseUrl())
                + ", webhook /rest/1/<BITRIX24_SIMULATOR_WEBHOOK_CODE>/, rate plan "
                + simulator.control().ratePlan() + ", reply latency " + latency.min().toMillis() + "-"
                + latency.max().toMillis() + " ms, " + simulator.control().activityCount()
                + " activities; control API " + simulator.baseUrl() + "/_simulator/state; Ctrl-C stops it");
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
