package dev.camelbitrix24.simulator;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** The state of the simulated portal: data, credentials, limits, counters and faults. Thread-safe. */
final class Portal {

    /** The scopes of the default webhook of user 1 (CONTRACT.md). */
    static final Set<String> DEFAULT_SCOPES = Set.of("crm", "user");

    final SimulatorSettings settings;
    final ActivityStore activities = new ActivityStore();
    final UserDirectory users = new UserDirectory();
    final AuthRegistry auth;
    final RequestRateLimiter rateLimiter;
    final OperatingTimeLedger operatingTime;
    final RequestRateMeter requestRate = new RequestRateMeter();
    final CallCounters calls = new CallCounters();
    final FaultInjector faults;
    final DurationDraw processingDraw;
    final ReplyDelay replyDelay;
    final LongAdder rateLimitRejections = new LongAdder();
    final LongAdder operatingLimitRejections = new LongAdder();
    final Map<String, RestMethod> methods;

    Portal(SimulatorSettings settings) {
        this.settings = settings;
        this.auth = new AuthRegistry(settings.accessTokenLifetime());
        this.rateLimiter = new RequestRateLimiter(settings.ratePlan());
        this.operatingTime = new OperatingTimeLedger(settings.operatingTimeLimit());
        this.faults = new FaultInjector(settings.randomSeed());
        this.processingDraw = new DurationDraw(settings.randomSeed());
        // its own sequence, so that replies drawing latencies concurrently do not shift the processing draws
        this.replyDelay = new ReplyDelay(settings.randomSeed() + 1, settings.replyLatency());
        this.methods = Map.of(
                "crm.activity.delete", new ActivityDeleteMethod(activities, users),
                "crm.activity.add", new ActivityAddMethod(activities, users),
                "crm.activity.get", new ActivityGetMethod(activities, users),
                "crm.activity.list", new ActivityListMethod(activities, users),
                "profile", new ProfileMethod(users),
                "user.current", new UserCurrentMethod(users));
        reset();
    }

    /** Back to the state at start: seeded activities, the default webhook only, counters zero, no faults. */
    synchronized void reset() {
        activities.clear();
        if (settings.seed() > 0) {
            activities.seed(1, settings.seed());
        }
        users.clear();
        auth.clear();
        auth.addWebhook(1, settings.webhookCode(), DEFAULT_SCOPES);
        rateLimiter.reset(settings.ratePlan());
        operatingTime.reset(settings.operatingTimeLimit());
        processingDraw.restart();
        replyDelay.reset(settings.replyLatency());
        requestRate.reset();
        calls.reset();
        faults.clear();
        rateLimitRejections.reset();
        operatingLimitRejections.reset();
    }

    /** True for {@code batch} and every method in {@link #methods}. */
    boolean knows(String method) {
        return BatchRunner.NAME.equals(method) || methods.containsKey(method);
    }
}
