package io.inkstream.sink;

import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionSchema;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything the sink reads from its environment, with the defaults in one place.
 *
 * @param bootstrapServers   {@code INKSTREAM_KAFKA_BOOTSTRAP}
 * @param groupId            {@code INKSTREAM_SINK_GROUP_ID}: the consumer group; its committed offsets are the sink's progress
 * @param contactPoints      {@code INKSTREAM_CASSANDRA_CONTACT_POINTS}: host:port[,host:port...]
 * @param localDatacenter    {@code INKSTREAM_CASSANDRA_LOCAL_DC}
 * @param replication        {@code INKSTREAM_CASSANDRA_REPLICATION}: the keyspace's CQL replication map
 * @param maxInFlight        {@code INKSTREAM_SINK_MAX_IN_FLIGHT}: concurrent writes to Cassandra
 * @param maxPollRecords     {@code INKSTREAM_SINK_MAX_POLL_RECORDS}: predictions written and committed together
 * @param httpHost           {@code INKSTREAM_SINK_HTTP_HOST}: the interface health and metrics listen on; loopback unless set
 * @param httpPort           {@code INKSTREAM_SINK_HTTP_PORT}: health and metrics; 0 picks a free port
 * @param partitions         {@code INKSTREAM_TOPIC_PARTITIONS}: for topics created when missing
 * @param kafkaClient        {@code INKSTREAM_KAFKA_CLIENT_*}: settings of every Kafka client (security), see {@link KafkaClientSettings}
 * @param consumerOverrides  {@code INKSTREAM_KAFKA_CONSUMER_*}: any consumer setting
 * @param cassandraAccess    {@code INKSTREAM_CASSANDRA_USERNAME}, {@code _PASSWORD}, {@code _TLS_TRUSTSTORE}, {@code _TLS_KEYSTORE}: a login and TLS,
 *                           for a cluster that asks for them
 * @param commit             {@code INKSTREAM_SINK_COMMIT}: when offsets are committed; {@link Commit#AFTER_WRITE} unless measuring
 * @param instanceId         {@code INKSTREAM_SINK_INSTANCE_ID}: static group membership, so that an instance restarted under the
 *                           same id takes its partitions back at once; unique per instance (a pod's name), unset by default
 */
public record SinkConfig(String bootstrapServers, String groupId, List<InetSocketAddress> contactPoints, String localDatacenter,
                         String replication, int maxInFlight, int maxPollRecords, String httpHost, int httpPort, int partitions,
                         Properties kafkaClient, Properties consumerOverrides, CassandraSessions.Access cassandraAccess,
                         Commit commit, Optional<String> instanceId) {

    /** When the sink commits a polled batch's offsets. */
    public enum Commit {
        /** Once every record of the batch is written (or dead-lettered): a crash makes a redelivery, never a loss. */
        AFTER_WRITE,
        /**
         * Before writing: what a crash catches in flight is lost. Exists to prove the crash test can see a loss;
         * never for production.
         */
        BEFORE_WRITE_UNSAFE,
        /**
         * After one attempt at each write, whether it succeeded or not: what fails (Cassandra down) is dropped.
         * Exists to prove the outage test can see a loss; never for production.
         */
        AFTER_ONE_ATTEMPT_UNSAFE;

        /** Whether this order can lose an accepted prediction: said with a warning at every start. */
        boolean unsafe() {
            return this != AFTER_WRITE;
        }
    }

    public static final String BOOTSTRAP = "INKSTREAM_KAFKA_BOOTSTRAP";
    public static final String GROUP_ID = "INKSTREAM_SINK_GROUP_ID";
    public static final String CONTACT_POINTS = "INKSTREAM_CASSANDRA_CONTACT_POINTS";
    public static final String LOCAL_DC = "INKSTREAM_CASSANDRA_LOCAL_DC";
    public static final String REPLICATION = "INKSTREAM_CASSANDRA_REPLICATION";
    public static final String MAX_IN_FLIGHT = "INKSTREAM_SINK_MAX_IN_FLIGHT";
    public static final String MAX_POLL_RECORDS = "INKSTREAM_SINK_MAX_POLL_RECORDS";
    public static final String HTTP_HOST = "INKSTREAM_SINK_HTTP_HOST";
    public static final String HTTP_PORT = "INKSTREAM_SINK_HTTP_PORT";
    public static final String PARTITIONS = "INKSTREAM_TOPIC_PARTITIONS";
    public static final String CONSUMER_PREFIX = "INKSTREAM_KAFKA_CONSUMER_";
    public static final String COMMIT = "INKSTREAM_SINK_COMMIT";
    public static final String INSTANCE_ID = "INKSTREAM_SINK_INSTANCE_ID";

    public static SinkConfig fromEnvironment(Environment env) {
        Set<String> known = new HashSet<>(Set.of(BOOTSTRAP, GROUP_ID, CONTACT_POINTS, LOCAL_DC, REPLICATION, MAX_IN_FLIGHT, MAX_POLL_RECORDS,
                HTTP_HOST, HTTP_PORT, PARTITIONS, COMMIT, INSTANCE_ID));
        known.addAll(CassandraSessions.VARIABLES);
        env.rejectUnknown(known,
                Set.of(CONSUMER_PREFIX, KafkaClientSettings.PREFIX), Set.of("INKSTREAM_GATEWAY_", "INKSTREAM_CLASSIFIER_", "INKSTREAM_BATCH_", "INKSTREAM_IMAGE_",
                        "INKSTREAM_KAFKA_STREAMS_", "INKSTREAM_KAFKA_PRODUCER_", "INKSTREAM_DATA_", "INKSTREAM_LOG_", "INKSTREAM_JAVA_",
                        "INKSTREAM_DEBUG"));
        return new SinkConfig(
                env.string(BOOTSTRAP, "localhost:9092"),
                env.string(GROUP_ID, "inkstream-sink"),
                env.addresses(CONTACT_POINTS, "127.0.0.1:9042", 9042),
                env.string(LOCAL_DC, "datacenter1"),
                env.string(REPLICATION, PredictionSchema.DEFAULT_REPLICATION),
                env.integer(MAX_IN_FLIGHT, 256, 1, 100_000),
                env.integer(MAX_POLL_RECORDS, 2000, 1, 100_000),
                env.string(HTTP_HOST, "127.0.0.1"),
                env.integer(HTTP_PORT, 8082, 0, 65_535),
                env.integer(PARTITIONS, 6, 1, 10_000),
                KafkaClientSettings.fromEnvironment(env),
                env.passThrough(CONSUMER_PREFIX),
                CassandraSessions.access(env),
                env.choice(COMMIT, Commit.AFTER_WRITE),
                Optional.of(env.string(INSTANCE_ID, "")).filter(id -> !id.isEmpty()));
    }

    /** The properties every Kafka client of the sink starts from. */
    public Properties kafkaClientBase() {
        return KafkaClientSettings.base(bootstrapServers, kafkaClient);
    }

    public static SinkConfig defaults(String bootstrapServers, InetSocketAddress cassandra) {
        return fromEnvironment(new Environment(Map.of(BOOTSTRAP, bootstrapServers,
                CONTACT_POINTS, cassandra.getHostString() + ":" + cassandra.getPort())));
    }

    public SinkConfig withGroupId(String group) {
        return with(copy -> copy.groupId = group);
    }

    public SinkConfig withHttpPort(int port) {
        return with(copy -> copy.httpPort = port);
    }

    public SinkConfig withCommit(Commit order) {
        return with(copy -> copy.commit = order);
    }

    /** This config with the settings {@code change} sets: the one place a copy names all 15 in their order. */
    private SinkConfig with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return new SinkConfig(copy.bootstrapServers, copy.groupId, copy.contactPoints, copy.localDatacenter, copy.replication, copy.maxInFlight,
                copy.maxPollRecords, copy.httpHost, copy.httpPort, copy.partitions, copy.kafkaClient, copy.consumerOverrides, copy.cassandraAccess,
                copy.commit, copy.instanceId);
    }

    /** A config's settings by name, for {@link #with} to change some of. */
    private static final class Copy {
        String bootstrapServers, groupId, localDatacenter, replication, httpHost;
        List<InetSocketAddress> contactPoints;
        int maxInFlight, maxPollRecords, httpPort, partitions;
        Properties kafkaClient, consumerOverrides;
        CassandraSessions.Access cassandraAccess;
        Commit commit;
        Optional<String> instanceId;

        Copy(SinkConfig config) {
            bootstrapServers = config.bootstrapServers;
            groupId = config.groupId;
            contactPoints = config.contactPoints;
            localDatacenter = config.localDatacenter;
            replication = config.replication;
            maxInFlight = config.maxInFlight;
            maxPollRecords = config.maxPollRecords;
            httpHost = config.httpHost;
            httpPort = config.httpPort;
            partitions = config.partitions;
            kafkaClient = config.kafkaClient;
            consumerOverrides = config.consumerOverrides;
            cassandraAccess = config.cassandraAccess;
            commit = config.commit;
            instanceId = config.instanceId;
        }
    }
}
