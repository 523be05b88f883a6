package dev.camelbitrix24.simulator.junit;

import java.time.Duration;

import javax.net.ssl.SSLContext;

import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a Bitrix24 portal simulator on 127.0.0.1 on an ephemeral port, for tests of routes
 * that use the {@code bitrix24} component.
 *
 * <pre>{@code
 * @RegisterExtension
 * static Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(100).ratePlan(RatePlan.OFF).build();
 *
 * @Test
 * void deletes() {
 *     template.sendBody("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.webhookUrl() + ")", 42);
 *     assertFalse(sim.control().activityExists(42));
 * }
 * }</pre>
 *
 * In a {@code static} field the simulator starts once for the test class and stops after it; in an instance field it
 * starts and stops around each test. Either way it returns to its state at start (seeded activities, no faults,
 * counters zero) before each test, unless {@link Builder#resetBeforeEach(boolean)} says otherwise.
 */
public final class Bitrix24SimulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Bitrix24Simulator.Builder settings;
    private final boolean resetBeforeEach;
    private Bitrix24Simulator simulator;
    private boolean perClass;

    private Bitrix24SimulatorExtension(Builder builder) {
        this.settings = builder.settings;
        this.resetBeforeEach = builder.resetBeforeEach;
    }

    /** HTTP on an ephemeral port, HTTPS off, webhook code {@code simulator}, 1000 activities, the standard rate plan. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        simulator = settings.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (simulator == null) {
            simulator = settings.start();
        } else if (resetBeforeEach) {
            simulator.control().reset();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void stop() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    /** The running simulator. */
    public Bitrix24Simulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator runs only while a test of its class runs");
        }
        return simulator;
    }

    /** Inspection and fault injection: activities, counters, faults, OAuth applications and tokens. */
    public SimulatorControl control() {
        return simulator().control();
    }

    /** The incoming webhook of user 1: {@code http://127.0.0.1:<port>/rest/1/<code>/}. */
    public String webhookUrl() {
        return simulator().webhookUrl();
    }

    /** {@code http://127.0.0.1:<port>}, the portal's address for OAuth application mode. */
    public String baseUrl() {
        return simulator().baseUrl();
    }

    /** The simulator's OAuth token endpoint, the component's {@code oauthTokenUrl}. */
    public String oauthTokenUrl() {
        return simulator().oauthTokenUrl();
    }

    /** {@code https://127.0.0.1:<port>}, when HTTPS is on. */
    public String httpsBaseUrl() {
        return simulator().httpsBaseUrl();
    }

    /** An SSL context that trusts the simulator's self-signed certificate, when HTTPS is on. */
    public SSLContext clientSslContext() {
        return simulator().clientSslContext();
    }

    /** The simulator's settings; every one has the default of {@link Bitrix24Simulator.Builder} but the ports. */
    public static final class Builder {
        private final Bitrix24Simulator.Builder settings = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1);
        private boolean resetBeforeEach = true;

        private Builder() {
        }

        /** Also serve HTTPS (self-signed) on an ephemeral port. */
        public Builder https() {
            settings.httpsPort(0);
            return this;
        }

        /** The secret code of user 1's incoming webhook. Default {@code simulator}. */
        public Builder webhookCode(String code) {
            settings.webhookCode(code);
            return this;
        }

        /** Activities 1..seed exist at start and after each reset. Default 1000. */
        public Builder seed(long seed) {
            settings.seed(seed);
            return this;
        }

        /** The request-rate limit it enforces. Default {@link RatePlan#STANDARD}; {@link RatePlan#OFF} for none. */
        public Builder ratePlan(RatePlan plan) {
            settings.ratePlan(plan);
            return this;
        }

        /** Seeds fraction-based faults, processing times and reply latencies. Default 42. */
        public Builder randomSeed(long randomSeed) {
            settings.randomSeed(randomSeed);
            return this;
        }

        /** The operating-time limit and simulated processing times. Default {@link OperatingTimeLimit#DEFAULT}. */
        public Builder operatingTimeLimit(OperatingTimeLimit limit) {
            settings.operatingTimeLimit(limit);
            return this;
        }

        /** Every REST reply is held back by a latency drawn uniformly from [min, max]. Default none. */
        public Builder replyLatency(Duration min, Duration max) {
            settings.replyLatency(min, max);
            return this;
        }

        /** How long an OAuth access token lives. Default one hour. */
        public Builder accessTokenLifetime(Duration lifetime) {
            settings.accessTokenLifetime(lifetime);
            return this;
        }

        /** Whether the simulator returns to its state at start before each test. Default true. */
        public Builder resetBeforeEach(boolean reset) {
            this.resetBeforeEach = reset;
            return this;
        }

        public Bitrix24SimulatorExtension build() {
            return new Bitrix24SimulatorExtension(this);
        }
    }
}
