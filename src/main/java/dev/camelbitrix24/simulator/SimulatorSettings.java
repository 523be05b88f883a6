package dev.camelbitrix24.simulator;

import java.time.Duration;

/** How a simulator was configured at start; {@link SimulatorControl#reset()} returns to these. */
record SimulatorSettings(int httpPort, int httpsPort, String webhookCode, int seed, RatePlan ratePlan,
        long randomSeed, OperatingTimeLimit operatingTimeLimit, ReplyLatency replyLatency,
        Duration accessTokenLifetime) {
}
