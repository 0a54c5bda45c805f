package io.inkstream.ops.config;

import java.util.Properties;

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

    /** The properties a new client starts from: where the cluster is, and the shared settings. */
    public static Properties base(String bootstrapServers, Properties shared) {
        Properties p = new Properties();
        p.putAll(shared);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }
}
