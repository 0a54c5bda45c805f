package io.inkstream.gateway.publish;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The labeller a correction names: a pseudonym of the client that made it (its address, an IPv6 client's /64), so that
 * {@code train --with-corrections} can bound what one labeller weighs. It is the first 64 bits of an HMAC-SHA256 of the
 * client under a key: without the key no one who reads the corrections topic (or the store) can tell an address from it
 * (there are only 2<sup>32</sup> IPv4 addresses to try against a plain hash). The key is
 * {@code INKSTREAM_GATEWAY_LABELLER_KEY} when set, the same on every instance, so that a client is one labeller across
 * instances and restarts; otherwise a random key of this process, and a client gets a new pseudonym when it restarts.
 */
public final class Labellers {
    public static final String KEY_VARIABLE = "INKSTREAM_GATEWAY_LABELLER_KEY";
    /** A key shorter than this is too easy to guess, and with it every address behind the pseudonyms. */
    public static final int MIN_KEY_LENGTH = 16;

    private final SecretKeySpec key;
    private final boolean random;

    private Labellers(byte[] key, boolean random) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.random = random;
    }

    /** Labellers under {@code configured} (at least {@link #MIN_KEY_LENGTH} characters), or under a random key if none. */
    public static Labellers keyed(Optional<String> configured) {
        if (configured.isPresent()) {
            if (configured.get().length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException(KEY_VARIABLE + " has " + configured.get().length() + " characters; it needs at least "
                        + MIN_KEY_LENGTH + " (anyone who guesses it can tell the address behind every labeller)");
            }
            return new Labellers(configured.get().getBytes(StandardCharsets.UTF_8), false);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Labellers(key, true);
    }

    /** The pseudonym of {@code client}: 16 hex digits, the same for the same client under the same key. */
    public String of(String client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256"); // not thread-safe, and cheap to make: one per correction
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(client.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** For the start line: whether the key was set ({@code configured}) or made for this process ({@code per-process}). */
    @Override
    public String toString() {
        return random ? "per-process" : "configured";
    }
}
