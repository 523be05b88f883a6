package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers one REST request in the real server's order: route (unknown method: 404 before auth), count, fault,
 * request-rate limit, authentication, then the method itself (or a batch of them); every reply, errors included,
 * is then held back by the portal's reply latency, and by the simulated processing time when the portal holds
 * replies for it.
 */
final class RestDispatcher {

    private final Portal portal;
    private final Authenticator authenticator;
    private final MethodInvoker invoker;
    private final BatchRunner batch;

    RestDispatcher(Portal portal) {
        this.portal = portal;
        this.authenticator = new Authenticator(portal.auth);
        this.invoker = new MethodInvoker(portal);
        this.batch = new BatchRunner(portal, invoker);
    }

    Reply handle(RestRequest request) {
        return route(request).heldLonger(portal.replyDelay.nextNanos());
    }

    private Reply route(RestRequest request) {
        long nowNanos = System.nanoTime();
        portal.requestRate.record(nowNanos);
        RestPath path = RestPath.parse(request.path());
        if (path == null || !portal.knows(path.method())) {
            return Reply.error(RestError.methodNotFound());
        }
        portal.calls.increment(path.method());
        FaultSpec fault = portal.faults.pick(path.method());
        if (fault != null && fault.kind() == FaultSpec.Kind.STATUS) {
            return Reply.of(fault);
        }
        if (fault != null && fault.kind() == FaultSpec.Kind.MOVED) {
            return Reply.redirect(fault.httpStatus(), fault.movedToValue() + request.path());
        }
        Reply reply = answer(request, path, nowNanos);
        if (fault == null) {
            return reply;
        }
        switch (fault.kind()) {
            case REPLACED_REPLY:
                // the call ran; its answer is spoiled on the way out
                return Reply.of(fault).heldLonger(reply.holdNanos());
            case TRUNCATED_REPLY:
                return reply.cutShort();
            default:
                return reply.withTransportFault(fault);
        }
    }

    private Reply answer(RestRequest request, RestPath path, long nowNanos) {
        if (!portal.rateLimiter.tryAcquire(request.clientAddress(), nowNanos)) {
            portal.rateLimitRejections.increment();
            return Reply.error(RestError.queryLimitExceeded());
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(path, request.params(), request.authorizationHeader());
        } catch (RestError e) {
            return Reply.error(e);
        }
        if (BatchRunner.NAME.equals(path.method())) {
            return runBatch(caller, request.params());
        }
        CallOutcome outcome = invoker.invoke(portal.methods.get(path.method()), caller, request.params(), false);
        if (outcome.failed()) {
            return Reply.error(outcome.error()).heldLonger(outcome.holdNanos());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        Object result = outcome.result();
        if (result instanceof RestMethod.ListResult) {
            RestMethod.ListResult list = (RestMethod.ListResult) result;
            body.put("result", list.items());
            if (list.next() != null) {
                body.put("next", list.next());
            }
            if (list.total() != null) {
                body.put("total", list.total());
            }
        } else {
            body.put("result", result);
        }
        body.put("time", outcome.time());
        return Reply.json(200, body).heldLonger(outcome.holdNanos());
    }

    private Reply runBatch(Caller caller, Map<String, Object> params) {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        BatchRunner.Outcome outcome = batch.run(caller, params);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", outcome.result());
        // the outer batch is not charged operating time; its own window is reported like any method's
        body.put("time", ReplyTime.of(startMillis, seconds, seconds,
                portal.operatingTime.status(BatchRunner.NAME + "|" + caller.operatingKey(), System.currentTimeMillis())));
        return Reply.json(200, body).heldLonger(outcome.holdNanos());
    }
}
