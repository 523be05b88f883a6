package dev.camelbitrix24.component.client;

import java.io.InterruptedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * Moves every step of a call off HttpClient's I/O threads onto the client's worker, and guarantees that a step that
 * throws unexpectedly still ends the call: used by {@link PortalExchange}, the path single and batch calls share.
 */
final class WorkerHandoff {

    private WorkerHandoff() {
    }

    /** Runs the step on the worker (on this thread when the worker is shutting down); a RuntimeException goes to onUnexpected. */
    static void run(Executor worker, Runnable step, Consumer<RuntimeException> onUnexpected) {
        Runnable guarded = () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                onUnexpected.accept(e);
            }
        };
        try {
            worker.execute(guarded);
        } catch (RejectedExecutionException e) {
            guarded.run();
        }
    }

    /** An HTTP callback whose reply and failure (a cancellation counts as one) are handled through {@code onWorker}. */
    static FutureCallback<SimpleHttpResponse> callback(Consumer<Runnable> onWorker, Consumer<SimpleHttpResponse> onReply,
                                                       Consumer<Exception> onFailure) {
        return new FutureCallback<>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                onWorker.accept(() -> onReply.accept(response));
            }

            @Override
            public void failed(Exception ex) {
                onWorker.accept(() -> onFailure.accept(ex));
            }

            @Override
            public void cancelled() {
                onWorker.accept(() -> onFailure.accept(new InterruptedIOException("The request was cancelled")));
            }
        };
    }
}
