package dev.camelbitrix24.component.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Builds and checks the addresses the component calls. Every message it produces names the host at most: the path
 * of a webhook URL holds its secret code.
 */
public final class Bitrix24Urls {

    private Bitrix24Urls() {
    }

    /** The URL of a REST method for an incoming webhook: {@code <webhookUrl>/<method>.json}. */
    public static URI webhookMethodUrl(String webhookUrl, String method) {
        String base = webhookUrl.endsWith("/") ? webhookUrl : webhookUrl + "/";
        return parse(base + method + ".json", "webhookUrl");
    }

    /** The URL of a REST method for an OAuth application: {@code <portalUrl>/rest/<method>.json}. */
    public static URI portalMethodUrl(String portalUrl, String method) {
        String base = portalUrl.endsWith("/") ? portalUrl.substring(0, portalUrl.length() - 1) : portalUrl;
        return parse(base + "/rest/" + method + ".json", "portalUrl");
    }

    /** Parses a configured URL; the error names the option, never the value. */
    public static URI parse(String url, String option) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // no cause: its message would quote the URL, and with it the webhook code
            throw new IllegalArgumentException("The " + option + " option is not a valid URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("The " + option + " option must be an absolute http(s) URL with a host");
        }
        return uri;
    }

    /**
     * Where a redirect's {@code Location} leads from {@code from}, checked like the endpoint's own URL. Refused with an
     * IllegalArgumentException whose message names at most the host: the Location itself may hold the webhook code,
     * and a malformed one would be quoted whole by {@link URI#resolve}.
     */
    public static URI redirectTarget(URI from, String location, boolean allowInsecureHttp) {
        URI next;
        try {
            next = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Location");
        }
        checkTransport(next, allowInsecureHttp, "redirect target");
        return next;
    }

    /**
     * Refuses a URL the component must not send secrets to: a scheme other than http(s), or plain http to a host that
     * is not loopback unless {@code allowInsecureHttp}.
     */
    public static void checkTransport(URI uri, boolean allowInsecureHttp, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme)) {
            return;
        }
        if (!"http".equals(scheme)) {
            throw new IllegalArgumentException("The " + what + " must use https (got scheme " + scheme + ")");
        }
        if (!allowInsecureHttp && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("The " + what + " uses plain http to host " + uri.getHost()
                                               + ", which is not loopback: use https, or set allowInsecureHttp=true");
        }
    }

    /** Loopback by its literal name only, so that the check never waits on DNS. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
               || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The host of a URL for messages and {@code toString()}, or "none" / "invalid". */
    public static String hostOf(String url) {
        if (url == null) {
            return "none";
        }
        try {
            String host = new URI(url).getHost();
            return host == null ? "invalid" : host;
        } catch (URISyntaxException e) {
            return "invalid";
        }
    }

    /**
     * Scheme, host and explicit port in lower case ({@code https://portal.bitrix24.com:443}), so that the addresses of
     * one server compare equal whether or not they spell out the default port.
     */
    public static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
