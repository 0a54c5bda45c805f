package io.inkstream.ops.config;

import io.inkstream.ops.DaemonThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store file taken again while a service runs (a renewed certificate, a cluster's new authority): each look reads it
 * through the path as the operator named it, bounded as at start ({@link StoreFiles#bytes}), and hands bytes that changed
 * to the service to check and take; bytes it refuses (half written, another password, no key), or a file that cannot be
 * read, are told once per change, and the store in use is kept. Bytes are compared, not modification times, which a
 * {@code cp -p} or a Kubernetes secret volume's symlink swap need not change.
 */
public final class StoreRenewal {
    /**
     * How often a running service looks unless told otherwise: a renewed store is in use within this. A look reads a file of a
     * few KiB; cert-manager renews weeks ahead and a Secret's volume is updated within about a minute, so 5 s is prompt.
     */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(StoreRenewal.class);
    private final String what;
    private final String variable;
    private final Path path;
    private byte[] inUse;
    /** The bytes last refused (empty: the file could not be read), so that one bad change is told once. */
    private byte[] refused;

    /**
     * @param what     what the store is, for the messages ("key store", "trust store")
     * @param variable the variable that names it
     * @param inUse    the bytes of the store in use, as read at start
     */
    public StoreRenewal(String what, String variable, Path path, byte[] inUse) {
        this.what = what;
        this.variable = variable;
        this.path = path;
        this.inUse = inUse;
    }

    /**
     * Reads the file; when its bytes differ from those in use and from those last refused, hands them to {@code take}, which
     * checks them as at start and puts them in use, or throws a {@link ConfigurationException} saying why they cannot serve.
     * A refusal, the file's or {@code take}'s, goes to {@code refused} (the reason) the first time these bytes are seen.
     */
    public synchronized void look(Consumer<byte[]> take, Consumer<String> refused) {
        byte[] read;
        try {
            read = StoreFiles.bytes(what, variable, path);
        } catch (ConfigurationException e) {
            refuse(new byte[0], e.getMessage(), refused); // removed, say, while a new one is moved in: the next look may find it
            return;
        }
        if (Arrays.equals(read, inUse) || Arrays.equals(read, this.refused)) {
            return;
        }
        try {
            take.accept(read);
        } catch (ConfigurationException e) {
            refuse(read, e.getMessage(), refused);
            return;
        }
        inUse = read;
        this.refused = null;
    }

    private void refuse(byte[] read, String reason, Consumer<String> refused) {
        if (!Arrays.equals(read, this.refused)) {
            this.refused = read;
            refused.accept(reason);
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Runs {@code looks} every {@code period} on a daemon thread named {@code name}, until the scheduler returned is shut
     * down. A look that throws is logged and the next one still comes (a scheduled task that throws never runs again).
     */
    public static ScheduledExecutorService every(String name, Duration period, Runnable looks) {
        ScheduledExecutorService timer = DaemonThreads.scheduler(name);
        timer.scheduleWithFixedDelay(() -> {
            try {
                looks.run();
            } catch (RuntimeException e) {
                log.error("store renewal check failed; the stores in use are kept thread={}", name, e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return timer;
    }
}
