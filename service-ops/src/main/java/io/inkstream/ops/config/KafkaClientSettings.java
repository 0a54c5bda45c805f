package io.inkstream.ops.config;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * Settings every Kafka client of a service takes, producers, consumers, admins and Kafka Streams
 * alike: above all how it authenticates ({@code INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL},
 * {@code INKSTREAM_KAFKA_CLIENT_SASL_MECHANISM=SCRAM-SHA-512},
 * {@code INKSTREAM_KAFKA_CLIENT_SASL_JAAS_CONFIG=...}). Every client a service makes starts from
 * {@link #base}, so none can be forgotten; the per-kind prefixes ({@code INKSTREAM_KAFKA_PRODUCER_*}, ...)
 * are applied after, for what only one kind needs.
 */
public final class KafkaClientSettings {
    public static final String PREFIX = "INKSTREAM_KAFKA_CLIENT_";

    private KafkaClientSettings() {
    }

    /** {@value #PREFIX}{@code *}, as client properties ({@code SASL_MECHANISM} becomes {@code sasl.mechanism}). */
    public static Properties fromEnvironment(Environment env) {
        return env.passThrough(PREFIX);
    }

    /**
     * The properties a new client starts from: where the cluster is, socket buffers sized by the operating
     * system, and the shared settings (which may set the buffers after all), with TLS stores taken again when
     * their files change ({@link RenewingKafkaSslEngineFactory}).
     */
    public static Properties base(String bootstrapServers, Properties shared) {
        Properties p = new Properties();
        // The clients' fixed buffers (a consumer's 64 KiB, Kafka Streams' 32 KiB) are smaller than one fetch of a
        // hundred predictions (~110 KB). On loopback that made a ready fetch response reach the sink ~200 ms late a few
        // times a minute at 1,000 uploads/s: the whole of that rate's p99 tail (docs/benchmarks.md, 2026-12-04).
        // -1 leaves the size to the kernel, which grows it with the connection.
        p.put(CommonClientConfigs.RECEIVE_BUFFER_CONFIG, -1);
        p.put(CommonClientConfigs.SEND_BUFFER_CONFIG, -1);
        p.putAll(shared);
        // A client that names a store file takes it again when it changes, as the services' other stores are; a factory
        // the settings name themselves is kept.
        boolean namesAStore = shared.containsKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)
                || shared.containsKey(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        if (namesAStore && !shared.containsKey(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)) {
            p.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, RenewingKafkaSslEngineFactory.class.getName());
        }
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }
}
