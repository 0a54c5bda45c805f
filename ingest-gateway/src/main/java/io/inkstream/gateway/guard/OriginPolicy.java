package io.inkstream.gateway.guard;

import io.inkstream.gateway.GatewayConfig;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which web pages may call the API from a browser. A browser names the page's origin in the
 * {@code Origin} header of every cross-origin request, and sends a form upload without asking
 * first: refusing foreign origins here, not only withholding CORS headers, is what stops another
 * site from uploading through a visitor's browser. Requests without {@code Origin} (curl, Kafka-era
 * scripts, same-origin GETs) are not browsers acting for someone else and pass.
 *
 * <p>When the gateway listens on loopback only, the {@code Host} a request names must be a loopback
 * name too: a page on a domain re-pointed at 127.0.0.1 (DNS rebinding) is then refused, though the
 * browser takes it for same-origin.
 *
 * @param allowed      origins allowed besides the gateway's own ({@code https://app.example.com}); {@code *} allows any
 * @param loopbackOnly the gateway listens on loopback only
 */
public record OriginPolicy(List<String> allowed, boolean loopbackOnly) {

    public OriginPolicy {
        allowed = allowed.stream().map(OriginPolicy::normalise).toList();
    }

    /** Why a request with this {@code Origin} (if any) and {@code Host} header is refused, or empty when it may go on. */
    public Optional<String> refusal(Optional<String> origin, Optional<String> host) {
        if (loopbackOnly && (host.isEmpty() || !isLoopbackHost(host.get()))) {
            return Optional.of("this gateway listens on loopback and answers requests for localhost or 127.0.0.1 only, not for "
                    + host.orElse("no Host"));
        }
        if (origin.isEmpty() || allowsCrossOrigin(origin.get())) {
            return Optional.empty();
        }
        String page = normalise(origin.get());
        if (host.isPresent() && (page.equals("http://" + normalise(host.get())) || page.equals("https://" + normalise(host.get())))) {
            return Optional.empty(); // the gateway's own page
        }
        return Optional.of("requests from pages at " + origin.get() + " are not allowed; the gateway answers its own page"
                + (allowed.isEmpty() ? "" : " and " + String.join(", ", allowed)) + " (INKSTREAM_GATEWAY_CORS_ORIGINS)");
    }

    /** Whether this origin is configured for cross-origin calls (and gets CORS headers). */
    public boolean allowsCrossOrigin(String origin) {
        return allowed.contains("*") || allowed.contains(normalise(origin));
    }

    private static String normalise(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Whether the name a {@code Host} header gives is a loopback name, or one under {@code .localhost} (RFC 6761). */
    private static boolean isLoopbackHost(String hostHeader) {
        String name = hostName(hostHeader);
        return GatewayConfig.isLoopback(name) || name.endsWith(".localhost");
    }

    /** The name a {@code Host} header gives, lower case, without its port (an IPv6 address keeps its brackets). */
    public static String hostName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        return h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1) : (h.contains(":") ? h.substring(0, h.lastIndexOf(':')) : h);
    }
}
