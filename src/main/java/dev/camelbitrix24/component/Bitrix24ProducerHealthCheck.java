package dev.camelbitrix24.component;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.camelbitrix24.component.client.Bitrix24Client;
import dev.camelbitrix24.component.client.Bitrix24Urls;
import dev.camelbitrix24.component.client.ReplyVerdict;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.util.URISupport;

/**
 * Readiness of a bitrix24 endpoint: does the portal answer and accept the endpoint's credentials? It calls
 * {@code profile} (one request, no retry) at most once per {@code healthCheckInterval} and reports that answer until
 * the next call, however often it is asked: probes never spend the portal's request budget faster than that.
 * DOWN with the reason (never a secret) on refused credentials, a refused or blocked portal, or no answer; UP when
 * the portal answers, also when it only says it is busy (503 or 429: the credentials were not refused). The call
 * waits for the portal's request pacer like the deletes; while a new call has not answered within
 * {@link #REPLY_WAIT_MILLIS}, the previous answer is reported.
 * <p>
 * Readiness only: restarting the application fixes neither a revoked webhook nor a portal outage.
 */
public final class Bitrix24ProducerHealthCheck implements HealthCheck {

    /** How long one health request waits for a {@code profile} call in flight before it reports DOWN. */
    static final long REPLY_WAIT_MILLIS = 5_000;

    private final Bitrix24Endpoint endpoint;
    private final String id;
    private final String host;
    private volatile boolean enabled = true;

    // guarded by this: when the last profile call was started, that call, and the last call that answered
    private long lastStartNanos;
    private Probe latest;
    private Probe answered;

    /** One profile call: when it started, and its answer to come. */
    private record Probe(Instant startedAt, CompletableFuture<ReplyVerdict> answer) {
    }

    Bitrix24ProducerHealthCheck(Bitrix24Endpoint endpoint, String id) {
        this.endpoint = endpoint;
        Bitrix24Configuration c = endpoint.getConfiguration();
        this.host = Bitrix24Urls.hostOf(c.isOAuth() ? c.getPortalUrl() : c.getWebhookUrl());
        this.id = id;
    }

    /**
     * {@code producer:bitrix24-<portal host>-<credential>-<8 hex digits>}, made of what is not secret: the credential is
     * {@code webhook<user id>} (the user in the webhook's path, never its code) or {@code oauth-<client id>}; the digits
     * are the start of the SHA-256 of the portal's scheme, host and port, that credential, the method and the options
     * of the endpoint's URI other than secrets. Two endpoints on one portal that differ in any of these (batching on in
     * one route and off in another, another user's webhook, another application) never share it, and an endpoint keeps
     * it from one run to the next. Two that differ only in a secret (two webhooks of one user) are told apart when they
     * register ({@link Bitrix24Component#claimHealthCheckId}).
     */
    static String idOf(Bitrix24Endpoint endpoint) {
        Bitrix24Configuration c = endpoint.getConfiguration();
        URI url = c.isOAuth() ? Bitrix24Urls.parse(c.getPortalUrl(), "portalUrl")
                : Bitrix24Urls.parse(c.getWebhookUrl(), "webhookUrl");
        String credential = c.isOAuth() ? "oauth-" + c.getClientId() : "webhook" + webhookUser(url);
        StringBuilder parts = new StringBuilder(Bitrix24Urls.origin(url)).append('\n').append(credential).append('\n')
                .append(endpoint.getMethod());
        try {
            new TreeMap<>(URISupport.parseQuery(URISupport.extractQuery(endpoint.getEndpointUri()), true))
                    .forEach((name, value) -> {
                        if (!Bitrix24Component.isSecretOption(name)) {
                            parts.append('\n').append(name).append('=').append(value);
                        }
                    });
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(parts.toString().getBytes(StandardCharsets.UTF_8));
            return "producer:bitrix24-" + url.getHost() + "-" + credential + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (URISyntaxException e) {
            // no cause: its message would quote the URI, and with it the webhook code
            throw new IllegalArgumentException("The bitrix24 endpoint URI's options cannot be read");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The user id of an incoming webhook: the path segment after {@code rest} ({@code /rest/<user>/<code>/}). */
    private static String webhookUser(URI webhookUrl) {
        String[] segments = webhookUrl.getPath() == null ? new String[0] : webhookUrl.getPath().split("/");
        for (int i = 0; i + 1 < segments.length; i++) {
            if (segments[i].equals("rest")) {
                return segments[i + 1];
            }
        }
        return "";
    }

    /** {@code id}, or {@code id-2}, {@code id-3}, ...: the first that is not {@code taken}. */
    static String uniqueIn(Set<String> taken, String id) {
        String unique = id;
        for (int n = 2; taken.contains(unique); n++) {
            unique = id + "-" + n;
        }
        return unique;
    }

    @Override
    public String getGroup() {
        return "camel";
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this).detail("bitrix24.host", host);
        Bitrix24Client client = endpoint.getClient();
        if (client == null) {
            return builder.down().message("The bitrix24 endpoint is not started").build();
        }
        Probe probe = latest(client);
        ReplyVerdict verdict;
        try {
            verdict = probe.answer().get(REPLY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            synchronized (this) {
                if (answered == null) {
                    return builder.down().message("Bitrix24 has not answered profile within " + REPLY_WAIT_MILLIS + " ms")
                            .build();
                }
                // a busy pacer may hold the new call back: the last answer is the best knowledge there is
                probe = answered;
            }
            verdict = probe.answer().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return builder.down().message("Interrupted while waiting for Bitrix24").build();
        } catch (ExecutionException e) {
            // checkProfile never completes exceptionally; kept typed for the compiler
            return builder.down().message("The profile call failed: " + e.getCause().getClass().getSimpleName()).build();
        }
        builder.detail("bitrix24.checked.at", probe.startedAt().toString());
        if (verdict.httpStatus() > 0) {
            builder.detail(HTTP_RESPONSE_CODE, verdict.httpStatus());
        }
        if (verdict.success()) {
            return builder.up().build();
        }
        builder.detail("bitrix24.error.type", verdict.type().name());
        String reason = verdict.type() + (verdict.errorCode() == null || verdict.errorCode().isEmpty() ? "" : " " + verdict.errorCode())
                        + ": " + verdict.errorDescription();
        if (verdict.type() == Bitrix24ErrorType.RATE_LIMITED || verdict.type() == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
            return builder.up().message("The portal is busy but answers (" + reason + ")").build();
        }
        return builder.down().message(reason).build();
    }

    /** The answer of the last profile call, starting a new one when the last was started an interval ago or more. */
    private synchronized Probe latest(Bitrix24Client client) {
        long now = System.nanoTime();
        long interval = TimeUnit.MILLISECONDS.toNanos(endpoint.getConfiguration().getHealthCheckInterval());
        // measured from the START of the last call: a slow or failing portal is not asked more often
        if (latest == null || now - lastStartNanos >= interval) {
            lastStartNanos = now;
            Probe probe = new Probe(Instant.now(), client.checkProfile());
            latest = probe;
            probe.answer().thenRun(() -> answered(probe));
        }
        return latest;
    }

    private synchronized void answered(Probe probe) {
        // a slower, older call must not replace a newer answer
        if (answered == null || probe.startedAt().isAfter(answered.startedAt())) {
            answered = probe;
        }
    }
}
