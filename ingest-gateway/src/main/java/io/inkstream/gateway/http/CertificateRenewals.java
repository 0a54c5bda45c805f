package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.ops.config.ConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A renewed certificate served without a restart: every {@link #EVERY} the key store's file is read again through the path
 * the operator named (at most 1 MiB, as at start), and when its bytes changed it is checked as at start and the TLS context
 * reloaded from it; connections open keep their session, new ones get the new certificate. A file that cannot serve (half
 * written, the wrong password, no key) is refused with a warning, once per change, and the certificate in use is kept.
 *
 * <p>Not Jetty's {@code KeyStoreScanner}: it watches the directory where the file really was at start, so a store behind a
 * symlink that is swapped (a Kubernetes secret's volume) is followed once at most, and it reloads whatever it finds, so a
 * bad file leaves the listener with no certificate at all.
 */
final class CertificateRenewals extends AbstractLifeCycle {
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewals.class);
    private final SslContextFactory.Server context;
    private final GatewayMetrics metrics;
    private volatile TlsKeyStore inUse;
    /** The bytes last refused (empty: the file could not be read), so that one bad change warns once. */
    private byte[] refused;
    private ScheduledExecutorService timer;

    CertificateRenewals(TlsKeyStore store, SslContextFactory.Server context, GatewayMetrics metrics) {
        this.inUse = store;
        this.context = context;
        this.metrics = metrics;
        metrics.certificateExpiry(() -> inUse.expires());
    }

    @Override
    protected void doStart() {
        warnIfExpired(inUse);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "gateway-certificate-renewals");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) { // a task that throws is never run again: the next look must still come
                log.error("gateway key store check failed; the certificate in use is kept store={}", inUse.path(), e);
            }
        }, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        timer.shutdownNow();
    }

    /** Takes the file again if its bytes changed since the store in use (or the last refusal) was read. */
    void check() {
        TlsKeyStore current = inUse;
        byte[] read;
        try {
            read = TlsKeyStore.bytesOf(current.path());
        } catch (ConfigurationException e) {
            refuse(new byte[0], e.getMessage()); // removed, say, while a new one is moved in: the next look may find it
            return;
        }
        if (current.loadedFrom(read) || Arrays.equals(read, refused)) {
            return;
        }
        TlsKeyStore renewed;
        try {
            renewed = TlsKeyStore.load(current.path(), current.password(), read);
        } catch (ConfigurationException e) {
            refuse(read, e.getMessage());
            return;
        }
        try {
            context.reload(factory -> factory.setKeyStore(renewed.store()));
        } catch (Exception e) { // a key the JDK's TLS cannot use, say
            refuse(read, e.getMessage());
            restore(current);
            return;
        }
        inUse = renewed;
        refused = null;
        metrics.certificateRenewal("renewed");
        log.info("gateway certificate renewed store={} subject=\"{}\" expires={}", renewed.path(),
                renewed.certificate().getSubjectX500Principal().getName(), renewed.expires());
        warnIfExpired(renewed);
    }

    private void refuse(byte[] read, String reason) {
        if (Arrays.equals(read, refused)) {
            return;
        }
        refused = read;
        metrics.certificateRenewal("refused");
        log.warn("gateway key store changed but cannot serve; the certificate in use is kept store={} expires={} reason=\"{}\"",
                inUse.path(), inUse.expires(), reason);
    }

    /** Jetty's reload drops the context before it builds the new one: when that failed, the one in use is built again. */
    private void restore(TlsKeyStore current) {
        try {
            context.reload(factory -> factory.setKeyStore(current.store()));
        } catch (Exception e) {
            log.error("gateway TLS context could not be rebuilt from the store in use; HTTPS connections fail until the store changes"
                    + " store={} reason=\"{}\"", current.path(), e.getMessage());
        }
    }

    private static void warnIfExpired(TlsKeyStore store) {
        if (store.expires().isBefore(Instant.now())) {
            log.warn("gateway certificate expired: clients refuse it store={} expired={}", store.path(), store.expires());
        }
    }
}
