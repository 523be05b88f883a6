package dev.camelbitrix24.component.client;

import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes events on to the configured listener and swallows what it throws: a broken metrics binding must never fail
 * a delete or a health check.
 */
final class GuardedCallListener implements Bitrix24CallListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedCallListener.class);

    private final Bitrix24CallListener delegate;

    private GuardedCallListener(Bitrix24CallListener delegate) {
        this.delegate = delegate;
    }

    /** A guard around {@code listener}, or a listener that ignores everything when it is null. */
    static Bitrix24CallListener of(Bitrix24CallListener listener) {
        return listener == null ? new Bitrix24CallListener() { } : new GuardedCallListener(listener);
    }

    @Override
    public void onReply(int httpStatus) {
        try {
            delegate.onReply(httpStatus);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void onRetry(Bitrix24ErrorType cause, long delayMillis) {
        try {
            delegate.onRetry(cause, delayMillis);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void onBatch(int size) {
        try {
            delegate.onBatch(size);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void onRateLimiterWait(long waitedMillis) {
        try {
            delegate.onRateLimiterWait(waitedMillis);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void onPortalWait(Bitrix24PortalWait wait) {
        try {
            delegate.onPortalWait(wait);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void onOperatingTime(String method, double usedSeconds, double limitSeconds) {
        try {
            delegate.onOperatingTime(method, usedSeconds, limitSeconds);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        LOG.debug("The Bitrix24 call listener {} failed: {}", delegate.getClass().getName(), e.toString());
    }
}
