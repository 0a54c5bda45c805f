package io.inkstream.ops.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The client certificates a process's Kafka clients show now, exported as
 * {@code inkstream_kafka_client_certificate_expiry_timestamp_seconds} so that an alert comes well before the brokers refuse
 * new connections, as Cassandra's is ({@code CassandraSessions.exportClientCertificateExpiry}). Kafka makes each client's
 * {@link RenewingKafkaSslEngineFactory} itself, from its class name, away from the service that configured the client: so
 * the factories list themselves here while they are open, by the key store file they read, and a service asks by the file
 * its settings name.
 */
public final class KafkaClientCertificates {
    static final String EXPIRY_METRIC = "inkstream_kafka_client_certificate_expiry_timestamp_seconds";
    private static final Set<RenewingKafkaSslEngineFactory> open = ConcurrentHashMap.newKeySet();

    private KafkaClientCertificates() {
    }

    static void opened(RenewingKafkaSslEngineFactory factory) {
        open.add(factory);
    }

    static void closed(RenewingKafkaSslEngineFactory factory) {
        open.remove(factory);
    }

    /**
     * When the certificate that the open clients reading {@code keyStore} show expires (a renewed one's date once a client
     * has taken it; the earliest, while one has and another has not looked yet); empty while none is open.
     */
    public static Optional<Instant> expires(Path keyStore) {
        return open.stream().map(factory -> factory.clientCertificate(keyStore)).flatMap(Optional::stream)
                .map(certificate -> certificate.getNotAfter().toInstant()).min(Comparator.naturalOrder());
    }

    /**
     * Exports when the client certificate that {@code clientSettings} name ({@code ssl.keystore.location}) expires, read at
     * each scrape; NaN while no client of the process is open with it. Nothing for settings without a client certificate.
     */
    public static void export(Properties clientSettings, MeterRegistry registry) {
        Object location = clientSettings.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        if (location == null || location.toString().isBlank()) {
            return;
        }
        Path keyStore = Path.of(location.toString());
        Gauge.builder(EXPIRY_METRIC, keyStore, store -> expires(store).map(at -> (double) at.getEpochSecond()).orElse(Double.NaN))
                .description("when the client certificate shown to Kafka expires, in seconds since the epoch")
                .strongReference(true).register(registry);
    }
}
