package io.inkstream.cli.stack;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.model.LocalModelKey;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.cassandra.LocalCassandraRing;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.infra.kafka.LocalKafkaCluster;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import io.inkstream.store.CassandraSessions;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything on one machine without Docker: the real broker and the real Cassandra node with
 * their data kept in one directory, and the sink, classifier and gateway in this JVM. What
 * {@code inkstream up} runs; closes in reverse order of start.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    /**
     * @param dataDir        broker log, Cassandra data and the classifier's state live here
     * @param environment    the INKSTREAM_* settings of the services (addresses and ports below win)
     * @param brokers        Kafka nodes: 1, or a cluster on 127.0.0.1, 127.0.0.2, ... with every topic on each node
     * @param cassandraNodes Cassandra nodes: 1, or a ring on 127.0.0.1, 127.0.0.2, ... with the keyspace on each node
     */
    public record Settings(Path dataDir, String host, int gatewayPort, int kafkaPort, int kafkaControllerPort, int cqlPort,
                           int cassandraStoragePort, int classifierHttpPort, int sinkHttpPort, Map<String, String> environment,
                           int brokers, int cassandraNodes) {
        /** One broker and one node, what {@code inkstream up} runs by default. */
        public Settings(Path dataDir, String host, int gatewayPort, int kafkaPort, int kafkaControllerPort, int cqlPort,
                        int cassandraStoragePort, int classifierHttpPort, int sinkHttpPort, Map<String, String> environment) {
            this(dataDir, host, gatewayPort, kafkaPort, kafkaControllerPort, cqlPort, cassandraStoragePort, classifierHttpPort,
                    sinkHttpPort, environment, 1, 1);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Settings settings;
    private KafkaCluster kafka;
    private CassandraCluster cassandra;
    private String contactPoints;
    private PipelineServices services;

    private LocalStack(Settings settings) {
        this.settings = settings;
    }

    public static LocalStack start(Settings settings) {
        requirePortsFree(settings);
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Every port is checked before anything starts: a taken one fails in a second, not after the broker and node are up. */
    private static void requirePortsFree(Settings s) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("gateway (--gateway-port)", s.gatewayPort());
        ports.put("Kafka (--kafka-port)", s.kafkaPort());
        ports.put("Kafka controller (--kafka-controller-port)", s.kafkaControllerPort());
        ports.put("Cassandra CQL (--cql-port)", s.cqlPort());
        ports.put("Cassandra storage (--cassandra-storage-port)", s.cassandraStoragePort());
        ports.put("classifier health (--classifier-http-port)", s.classifierHttpPort());
        ports.put("sink health (--sink-http-port)", s.sinkHttpPort());
        ports.forEach((what, port) -> {
            if (port != 0) {
                LoopbackPorts.requireFree(port, what);
            }
        });
    }

    private void startAll() {
        Path data = settings.dataDir();
        // The node takes three times as long as the broker: start both at once.
        CompletableFuture<CassandraCluster> node = CompletableFuture.supplyAsync(() -> {
            if (settings.cassandraNodes() > 1) {
                LocalCassandraRing ring = LocalCassandraRing.start(new LocalCassandraRing.Settings(settings.cassandraNodes(), settings.cqlPort(),
                        settings.cassandraStoragePort(), data.resolve("cassandra-ring"), "1g"));
                contactPoints = ring.contactPoints();
                return ring;
            }
            LocalCassandra single = LocalCassandra.start(LocalCassandra.Settings.defaults().withNativePort(settings.cqlPort())
                    .withStoragePort(settings.cassandraStoragePort()).withDataDir(data.resolve("cassandra")));
            contactPoints = single.contactPoint().getHostString() + ":" + single.contactPoint().getPort();
            return single;
        });
        try {
            kafka = settings.brokers() > 1
                    ? LocalKafkaCluster.start(new LocalKafkaCluster.Settings(settings.brokers(), settings.kafkaPort(),
                            settings.kafkaControllerPort(), data.resolve("kafka-cluster")))
                    : LocalKafka.start(LocalKafka.Settings.defaults().withBrokerPort(settings.kafkaPort())
                            .withControllerPort(settings.kafkaControllerPort()).withDataDir(data.resolve("kafka")));
            started.push(kafka);
        } finally {
            try {
                cassandra = node.join();
                started.push(cassandra);
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }

        services = PipelineServices.start(new Environment(serviceEnvironment()));
        started.push(services);
    }

    /**
     * A shell's settings as the services on the local nodes take them: the local nodes speak plain CQL on loopback, so
     * TLS to another cluster, set in that shell, is left out. What {@code inkstream up} checks before it starts anything.
     */
    public static Map<String, String> forLocalNodes(Map<String, String> shell) {
        Map<String, String> env = new HashMap<>(shell);
        env.keySet().removeAll(CassandraSessions.TLS_VARIABLES);
        return env;
    }

    private Map<String, String> serviceEnvironment() {
        Map<String, String> env = forLocalNodes(settings.environment());
        env.put(GatewayConfig.BOOTSTRAP, kafka.bootstrapServers());
        env.put(GatewayConfig.CONTACT_POINTS, contactPoints);
        replication(settings.cassandraNodes()).ifPresent(replication -> env.putIfAbsent(GatewayConfig.REPLICATION, replication));
        env.put(GatewayConfig.HOST, settings.host());
        env.put(GatewayConfig.PORT, Integer.toString(settings.gatewayPort()));
        env.put(ClassifierConfig.HTTP_PORT, Integer.toString(settings.classifierHttpPort()));
        env.put(SinkConfig.HTTP_PORT, Integer.toString(settings.sinkHttpPort()));
        env.putIfAbsent(ClassifierConfig.STATE_DIR, settings.dataDir().resolve("classifier").toString());
        // One instance of each here: static membership lets a restart after a crash resume at once.
        env.putIfAbsent(ClassifierConfig.INSTANCE_ID, "local-classifier");
        env.putIfAbsent(SinkConfig.INSTANCE_ID, "local-sink");
        // Models signed by this machine's key (what 'inkstream train' makes here) are accepted besides the project's.
        LocalModelKey.ensure(settings.dataDir()).ifPresent(id ->
                System.err.println("inkstream: made a model-signing key " + id + " in " + LocalModelKey.privateKey(settings.dataDir())
                        + "; 'inkstream train' and 'publish-model' sign with it, the classifier trusts it"));
        env.put(ClassifierConfig.TRUSTED_KEYS, LocalModelKey.trustedKeys(env.get(ClassifierConfig.TRUSTED_KEYS), settings.dataDir()));
        return env;
    }

    /**
     * The keyspace's replication on a local ring of {@code nodes}: every row on every node (the services read and write at
     * {@code LOCAL_QUORUM}, so one node may be down); empty for one node, which keeps the services' default.
     */
    public static Optional<String> replication(int nodes) {
        return nodes > 1 ? Optional.of("{'class': 'SimpleStrategy', 'replication_factor': " + nodes + "}") : Optional.empty();
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    /** Every node's CQL address, comma-separated. */
    public String cassandraContactPoint() {
        return contactPoints;
    }

    /** The broker cluster, when {@code brokers} > 1: what a fault test stops and starts node by node. */
    public Optional<LocalKafkaCluster> kafkaCluster() {
        return kafka instanceof LocalKafkaCluster cluster ? Optional.of(cluster) : Optional.empty();
    }

    /** The ring, when {@code cassandraNodes} > 1. */
    public Optional<LocalCassandraRing> cassandraRing() {
        return cassandra instanceof LocalCassandraRing ring ? Optional.of(ring) : Optional.empty();
    }

    public int gatewayPort() {
        return services.gateway().port();
    }

    /**
     * For a caller that closes the stack in a shutdown hook of its own: nothing else stops the Cassandra node when this
     * JVM exits, so it serves the services until their turn is over ({@link CassandraCluster#stopOnlyOnClose}).
     */
    public void stopOnlyOnClose() {
        cassandra.stopOnlyOnClose();
    }

    /** The services first (gateway, classifier, sink: their work in hand finished), then the node and the broker. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", next.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
