package io.inkstream.ops.config;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SslEngineFactory;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka client's TLS from the key store and trust store files its settings name, taken again while it runs: a rotated
 * client certificate (short-lived ones expire within days) or a cluster's new authority needs no restart. Kafka's clients
 * read their stores once, at start (a broker's are changed through the admin API; a client has no such way). When the client
 * opens a connection and {@link StoreRenewal#DEFAULT_EVERY} has passed since the last look, the files are read again through
 * the paths named, bounded as at start ({@link StoreFiles#bytes}); when their bytes changed, Kafka's own factory is built
 * from them, as at start, and makes the engines of every connection opened after (a client keeps its connections: a new
 * one comes when a broker restarts, a connection breaks or a new broker is met). Files that cannot serve (half written,
 * another password, no key) are refused with a warning, once per change, and the stores in use kept.
 *
 * <p>{@link KafkaClientSettings#base} sets it ({@code ssl.engine.factory.class}) for every client whose settings name a store
 * file. It looks when a connection opens rather than on a timer: a service has several clients (producers, consumers, an
 * admin, Kafka Streams' own), each with a factory of its own, and connections open rarely, so no thread wakes for each, and
 * the files are read just before a certificate is shown or checked.
 *
 * <p>While open, it is listed in {@link KafkaClientCertificates}, from which a service exports when the client certificate
 * in use expires; one already expired at start is logged as a warning.
 */
public final class RenewingKafkaSslEngineFactory implements SslEngineFactory {
    private static final Logger log = LoggerFactory.getLogger(RenewingKafkaSslEngineFactory.class);
    private final List<StoreRenewal> renewals = new ArrayList<>();
    private Map<String, ?> configs;
    private volatile DefaultSslEngineFactory inUse;
    private volatile Optional<X509Certificate> shown = Optional.empty();
    private Optional<Path> keyStore = Optional.empty();
    private long lastLook;

    @Override
    public void configure(Map<String, ?> configs) {
        this.configs = new HashMap<>(configs); // a copy, taken again at each renewal; its values may be null
        watch("key store", SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        watch("trust store", SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        inUse = build(this.configs);
        shown = keyCertificate(inUse);
        shown.filter(certificate -> certificate.getNotAfter().before(new Date())).ifPresent(certificate -> log.warn(
                "kafka client certificate expired: brokers that ask for one refuse new connections store={} subject=\"{}\" expires={}",
                keyStore.orElseThrow(), certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant()));
        lastLook = System.nanoTime();
        KafkaClientCertificates.opened(this);
    }

    /** Reads the store file the setting names, if it names one, bounded: a file too large stops the client's start. */
    private void watch(String store, String setting) {
        Object location = configs.get(setting);
        if (location != null && !location.toString().isBlank()) {
            Path path = Path.of(location.toString());
            String what = "Kafka client " + store;
            String variable = Environment.passedThroughAs(KafkaClientSettings.PREFIX, setting);
            renewals.add(new StoreRenewal(what, variable, path, StoreFiles.bytes(what, variable, path)));
            if (setting.equals(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)) {
                keyStore = Optional.of(path);
            }
        }
    }

    /** The certificate that {@code factory}'s key store shows, if it has one; a key store without one cannot serve. */
    private Optional<X509Certificate> keyCertificate(DefaultSslEngineFactory factory) {
        return keyStore.map(path -> StoreFiles.keyCertificate(factory.keystore(),
                Environment.passedThroughAs(KafkaClientSettings.PREFIX, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG), path));
    }

    /** The client certificate shown now, if this factory reads {@code keyStore}: for {@link KafkaClientCertificates}. */
    Optional<X509Certificate> clientCertificate(Path keyStore) {
        return this.keyStore.filter(keyStore::equals).flatMap(path -> shown);
    }

    /** Kafka's own factory, from the stores as their files hold them now. */
    private static DefaultSslEngineFactory build(Map<String, ?> configs) {
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        try {
            factory.configure(configs);
        } catch (KafkaException e) { // a store that cannot be read, the wrong password, a key store without a key
            Throwable cause = e.getCause();
            String why = cause == null ? "" : ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            throw new ConfigurationException(e.getMessage() + why);
        }
        return factory;
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        lookIfDue();
        return inUse.createClientSslEngine(peerHost, peerPort, endpointIdentification);
    }

    private synchronized void lookIfDue() {
        long now = System.nanoTime();
        if (now - lastLook >= StoreRenewal.DEFAULT_EVERY.toNanos()) {
            lastLook = now;
            lookNow();
        }
    }

    /** Looks at the store files now, as a connection does when a look is due: for the tests. */
    synchronized void lookNow() {
        for (StoreRenewal renewal : renewals) {
            renewal.look(read -> {
                // The one in use before is left to the collector, not closed: a connection may be opening from it now.
                DefaultSslEngineFactory renewed = build(configs);
                shown = keyCertificate(renewed);
                inUse = renewed;
                log.info("kafka client TLS stores renewed changed={}", renewal.path());
            }, reason -> log.warn("kafka client TLS store changed but cannot serve; the stores in use are kept path={} reason=\"{}\"",
                    renewal.path(), reason));
        }
    }

    /** Never used by a client; delegated so that the factory is whole. */
    @Override
    public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
        return inUse.createServerSslEngine(peerHost, peerPort);
    }

    @Override
    public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
        return inUse.shouldBeRebuilt(nextConfigs);
    }

    @Override
    public Set<String> reconfigurableConfigs() {
        return inUse.reconfigurableConfigs();
    }

    @Override
    public KeyStore keystore() {
        return inUse.keystore();
    }

    @Override
    public KeyStore truststore() {
        return inUse.truststore();
    }

    @Override
    public void close() {
        KafkaClientCertificates.closed(this);
        DefaultSslEngineFactory last = inUse;
        if (last != null) {
            last.close();
        }
    }
}
