package dev.camelbitrix24.simulator;

import java.util.Map;

/**
 * Runs one method for an authenticated caller, as a whole request or as a batch command: scope check,
 * operating-time check (before the call, so a blocked call costs nothing), the call, then the time it is charged:
 * its real time plus the simulated {@link ProcessingTime}.
 */
final class MethodInvoker {

    private final Portal portal;

    MethodInvoker(Portal portal) {
        this.portal = portal;
    }

    CallOutcome invoke(RestMethod method, Caller caller, Map<String, Object> params, boolean insideBatch) {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        if (method.scope() != null && !caller.scopes().contains(method.scope())) {
            return CallOutcome.refused(Authenticator.insufficientScope(caller, insideBatch));
        }
        String key = method.name() + "|" + caller.operatingKey();
        if (portal.operatingTime.blocked(key, startMillis)) {
            portal.operatingLimitRejections.increment();
            return CallOutcome.refused(RestError.operationTimeLimit());
        }
        Object result = null;
        RestError error = null;
        try {
            result = method.call(caller, params);
        } catch (RestError e) {
            error = e;
        }
        double real = (System.nanoTime() - startNanos) / 1e9;
        ProcessingTime processingTime = portal.operatingTime.limit().processingTime();
        long simulatedNanos = simulatedNanos(processingTime, params);
        double processing = real + simulatedNanos / 1e9;
        OperatingTimeLedger.Status status =
                portal.operatingTime.charge(key, processing, System.currentTimeMillis());
        return new CallOutcome(result, error, ReplyTime.of(startMillis, processing, processing, status),
                processingTime.holdReply() ? simulatedNanos : 0);
    }

    /** The simulated part of a call's time: per activity when asked and the call names one, else the next draw. */
    private long simulatedNanos(ProcessingTime time, Map<String, Object> params) {
        long activityId = time.perActivity() ? ActivityIds.read(params) : 0;
        return activityId > 0 ? portal.processingDraw.nanosFor(activityId, time.min(), time.max())
                : portal.processingDraw.nextNanos(time.min(), time.max());
    }
}
