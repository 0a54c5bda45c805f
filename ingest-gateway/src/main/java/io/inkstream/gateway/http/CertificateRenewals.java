package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.StoreRenewal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A renewed certificate served without a restart: every {@code INKSTREAM_GATEWAY_RENEWAL_CHECK_MS} (5 s by default) the key
 * store's file is read again through the path the operator named, and when its bytes changed it is checked as at start and
 * the TLS context reloaded from it; connections open keep their session, new ones get the new certificate. A file that
 * cannot serve (half written, the wrong password, no key) is refused with a warning, once per change, and the certificate
 * in use is kept.
 *
 * <p>Not Jetty's {@code KeyStoreScanner}: it watches the directory where the file really was at start, so a store behind a
 * symlink that is swapped (a Kubernetes secret's volume) is followed once at most, and it reloads whatever it finds, so a
 * bad file leaves the listener with no certificate at all.
 */
final class CertificateRenewals extends AbstractLifeCycle {
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewals.class);
    private final SslContextFactory.Server context;
    private final GatewayMetrics metrics;
    private final StoreRenewal renewal;
    private final Duration every;
    private volatile TlsKeyStore inUse;
    private ScheduledExecutorService timer;

    CertificateRenewals(TlsKeyStore store, SslContextFactory.Server context, GatewayMetrics metrics, Duration every) {
        this.inUse = store;
        this.context = context;
        this.metrics = metrics;
        this.renewal = new StoreRenewal("key store", TlsKeyStore.PATH_VARIABLE, store.path(), store.bytes());
        this.every = every;
        metrics.certificateExpiry(() -> inUse.expires());
    }

    @Override
    protected void doStart() {
        warnIfExpired(inUse);
        timer = StoreRenewal.every("gateway-certificate-renewals", every, this::check);
    }

    @Override
    protected void doStop() {
        timer.shutdownNow();
    }

    /** Takes the file again if its bytes changed since the store in use (or the last refusal) was read. */
    void check() {
        renewal.look(this::take, reason -> {
            metrics.certificateRenewal("refused");
            log.warn("gateway key store changed but cannot serve; the certificate in use is kept store={} expires={} reason=\"{}\"",
                    inUse.path(), inUse.expires(), reason);
        });
    }

    private void take(byte[] read) {
        TlsKeyStore current = inUse;
        TlsKeyStore renewed = TlsKeyStore.load(current.path(), current.password(), read);
        try {
            context.reload(factory -> factory.setKeyStore(renewed.store()));
        } catch (Exception e) { // a key the JDK's TLS cannot use, say
            restore(current);
            throw new ConfigurationException(e.getMessage());
        }
        inUse = renewed;
        metrics.certificateRenewal("renewed");
        log.info("gateway certificate renewed store={} subject=\"{}\" expires={}", renewed.path(),
                renewed.certificate().getSubjectX500Principal().getName(), renewed.expires());
        warnIfExpired(renewed);
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
