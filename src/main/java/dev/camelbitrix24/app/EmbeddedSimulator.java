package dev.camelbitrix24.app;

import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.ReplyLatency;
import dev.camelbitrix24.simulator.SimulatorControl;

/**
 * The Bitrix24 portal simulator of the zero-setup run, started only when no portal is configured (no webhook URL,
 * no OAuth portal URL), on the ports and with the seed, rate plan and reply latency of the
 * {@code bitrix24.simulator.*} settings.
 */
final class EmbeddedSimulator implements AutoCloseable {

    private final Bitrix24Simulator simulator;
    private final String description;

    private EmbeddedSimulator(Bitrix24Simulator simulator, String description) {
        this.simulator = simulator;
        this.description = description;
    }

    /** Starts the simulator unless a real portal is configured; null when one is. */
    static EmbeddedSimulator startUnlessConfigured(PipelineSettings settings) {
        if (settings.isSet("bitrix24.webhook-url") || settings.isSet("bitrix24.portal-url")) {
            return null;
        }
        long seed = Long.parseLong(settings.get("bitrix24.simulator.seed"));
        RatePlan plan = RatePlan.parse(settings.get("bitrix24.simulator.rate-plan"));
        ReplyLatency latency = settings.isSet("bitrix24.simulator.reply-latency-ms")
                ? ReplyLatency.parse(settings.get("bitrix24.simulator.reply-latency-ms")) : ReplyLatency.NONE;
        Bitrix24Simulator simulator = Bitrix24Simulator.builder()
                .httpPort(settings.getInt("bitrix24.simulator.port"))
                .httpsPort(settings.getInt("bitrix24.simulator.https-port"))
                .webhookCode(settings.get("bitrix24.simulator.webhook-code"))
                .seed(seed)
                .ratePlan(plan)
                .replyLatency(latency.min(), latency.max())
                .start();
        String description = simulator.baseUrl() + " (embedded simulator: activities 1.." + seed + ", rate plan "
                + plan.name() + ", reply latency " + latency.min().toMillis() + "-" + latency.max().toMillis()
                + " ms, control API " + simulator.baseUrl() + "/_simulator/state)";
        return new EmbeddedSimulator(simulator, description);
    }

    /** The webhook the pipeline calls; the simulator's code is a local test value, not a secret of a real portal. */
    String webhookUrl() {
        return simulator.webhookUrl();
    }

    String description() {
        return description;
    }

    SimulatorControl control() {
        return simulator.control();
    }

    @Override
    public void close() {
        simulator.close();
    }
}
