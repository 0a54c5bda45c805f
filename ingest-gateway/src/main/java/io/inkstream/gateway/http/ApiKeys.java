package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.StoreFiles;
import io.inkstream.ops.config.StoreRenewal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys the gateway takes: the one of {@code INKSTREAM_GATEWAY_API_KEY}, or those of a file
 * ({@value #FILE_VARIABLE}), one a line, taken again within {@code INKSTREAM_GATEWAY_RENEWAL_CHECK_MS} (5 s by default) when
 * the file changes, so that a key is rotated without a restart and without a moment when clients are refused: add the new
 * key, move the clients to it, remove the old one. A file that cannot serve (half written, no key left, a line that is no
 * key) is refused with a warning, once per change, and the keys in use are kept: an operator's slip never locks everyone
 * out, nor in.
 *
 * <p>Keys are held as their SHA-256 digests, and a given key is compared with every one of them in constant time, so the
 * time of an answer tells neither how much of a guess was right nor which key it was near.
 */
public final class ApiKeys {
    public static final String FILE_VARIABLE = "INKSTREAM_GATEWAY_API_KEYS_FILE";
    /** More keys than any rotation needs; each request is compared with all of them. */
    static final int MAX_KEYS = 100;
    /** Longer than any token a client sends in a header (Jetty takes 8 KiB of headers in all). */
    static final int MAX_KEY_LENGTH = 512;
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final Optional<Path> file;
    /** The file's bytes the first keys were read from: a renewal is a change of them. */
    private final byte[] read;
    private volatile List<byte[]> digests;

    private ApiKeys(Optional<Path> file, byte[] read, List<byte[]> digests) {
        this.file = file;
        this.read = read;
        this.digests = digests;
    }

    /** One key, as {@code INKSTREAM_GATEWAY_API_KEY} gives it. */
    public static ApiKeys of(String key) {
        return new ApiKeys(Optional.empty(), new byte[0], List.of(digest(key)));
    }

    /** The keys of {@code file}, or why it cannot serve, in {@value #FILE_VARIABLE}'s name and never with a key. */
    public static ApiKeys read(Path file) {
        byte[] bytes = StoreFiles.bytes("keys file", FILE_VARIABLE, file);
        return new ApiKeys(Optional.of(file), bytes, parse(file, bytes));
    }

    /**
     * One key a line, UTF-8; blank lines and lines starting with {@code #} are left out, and the spaces around a key. A key
     * is printable ASCII without spaces (a header carries it), at most {@value #MAX_KEY_LENGTH} characters.
     */
    static List<byte[]> parse(Path file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(FILE_VARIABLE + " names " + file + ", which is not UTF-8 text");
        }
        List<byte[]> keys = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String key = lines[i].strip();
            if (key.isEmpty() || key.startsWith("#")) {
                continue;
            }
            if (key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                // Never the line itself: it may be a key with a typo, or a secret pasted by mistake.
                throw new ConfigurationException(FILE_VARIABLE + " names " + file + ", whose line " + (i + 1) + " is not a key: printable"
                        + " ASCII without spaces, at most " + MAX_KEY_LENGTH + " characters");
            }
            keys.add(digest(key));
        }
        if (keys.isEmpty()) {
            throw new ConfigurationException(FILE_VARIABLE + " names " + file + ", which holds no key: one a line, # for a comment");
        }
        if (keys.size() > MAX_KEYS) {
            throw new ConfigurationException(FILE_VARIABLE + " names " + file + ", which holds " + keys.size() + " keys: at most " + MAX_KEYS);
        }
        return List.copyOf(keys);
    }

    /** Whether {@code given} is one of the keys: compared with each of them, whichever matches. */
    public boolean accepts(String given) {
        if (given == null) {
            return false;
        }
        byte[] digest = digest(given);
        boolean found = false;
        for (byte[] key : digests) {
            found |= MessageDigest.isEqual(digest, key);
        }
        return found;
    }

    /** How many keys are taken now. */
    public int size() {
        return digests.size();
    }

    /** The keys' file, when they come from one. */
    public Optional<Path> file() {
        return file;
    }

    /**
     * For keys from a file, a bean that looks at it {@code every} while the server runs (started and stopped with it); nothing
     * to look at for a single key.
     */
    Optional<LifeCycle> renewals(GatewayMetrics metrics, Duration every) {
        return file.map(path -> new AbstractLifeCycle() {
            private final StoreRenewal renewal = new StoreRenewal("keys file", FILE_VARIABLE, path, read);
            private ScheduledExecutorService timer;

            @Override
            protected void doStart() {
                timer = StoreRenewal.every("gateway-api-key-renewals", every, () -> renewal.look(read -> {
                    digests = parse(path, read);
                    metrics.apiKeysRenewal("renewed");
                    log.info("gateway API keys renewed file={} keys={}", path, digests.size());
                }, reason -> {
                    metrics.apiKeysRenewal("refused");
                    log.warn("gateway API keys file changed but cannot serve; the keys in use are kept file={} keys={} reason=\"{}\"", path,
                            digests.size(), reason);
                }));
            }

            @Override
            protected void doStop() {
                timer.shutdownNow();
            }
        });
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Never a key: a config is printed whole. */
    @Override
    public String toString() {
        int size = digests.size();
        return file.map(path -> size + (size == 1 ? " key" : " keys") + " from " + path).orElse("1 key");
    }
}
