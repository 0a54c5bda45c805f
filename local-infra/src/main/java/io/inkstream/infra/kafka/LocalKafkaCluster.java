package io.inkstream.infra.kafka;

import io.inkstream.infra.DataDirectory;
import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.process.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft cluster of several nodes inside this JVM: node {@code i} (1-based) is broker and
 * controller at once and listens on its own loopback address, {@code 127.0.0.i}, with the same
 * two ports on each, so that the cluster looks like N machines. The controller quorum is every
 * node (a majority must be up), internal and new topics get one replica per node and
 * {@code min.insync.replicas} one fewer, so one node can stop without refusing a write that asks
 * for {@code acks=all}. {@link #stop} and {@link #start} take one node down and back, as a fault
 * test or an operator restarting a machine does. With {@link Settings#forkedNodes()} each node is a
 * JVM of its own instead, which {@link #kill} ends with SIGKILL: no controlled shutdown, no flush.
 */
public final class LocalKafkaCluster implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /**
     * @param nodes          how many (2 or more; one node is {@link LocalKafka})
     * @param brokerPort     the PLAINTEXT listener port of every node, 0 for a free one
     * @param controllerPort the KRaft controller port of every node, 0 for a free one
     * @param dataDir        node {@code i}'s log lives in {@code node-i} here (kept on close), or null for a temporary directory
     */
    public record Settings(int nodes, int brokerPort, int controllerPort, Path dataDir, boolean forked) {
        public Settings {
            if (nodes < 2 || nodes > 9) {
                throw new IllegalArgumentException("a local cluster has 2 to 9 nodes, not " + nodes);
            }
        }

        /** Every node inside this JVM: what {@code inkstream up --brokers N} runs. */
        public Settings(int nodes, int brokerPort, int controllerPort, Path dataDir) {
            this(nodes, brokerPort, controllerPort, dataDir, false);
        }

        /** Each node in a JVM of its own ({@code kafka.Kafka}, this JVM's classpath), so that {@link #kill} is a machine dying. */
        public Settings forkedNodes() {
            return new Settings(nodes, brokerPort, controllerPort, dataDir, true);
        }
    }

    private final Settings settings;
    private final DataDirectory dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaRaftServer[] servers;
    private final ServiceProcess[] processes;
    private final String bootstrapServers;

    private LocalKafkaCluster(Settings settings, DataDirectory dataDir, int brokerPort, int controllerPort) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.servers = new KafkaRaftServer[settings.nodes()];
        this.processes = new ServiceProcess[settings.nodes()];
        this.bootstrapServers = IntStream.rangeClosed(1, settings.nodes()).mapToObj(i -> address(i) + ":" + brokerPort)
                .collect(Collectors.joining(","));
    }

    public static LocalKafkaCluster start(Settings settings) {
        int brokerPort = settings.brokerPort() == 0 ? LoopbackPorts.free() : settings.brokerPort();
        int controllerPort = settings.controllerPort() == 0 ? LoopbackPorts.free() : settings.controllerPort();
        for (int node = 1; node <= settings.nodes(); node++) {
            LoopbackPorts.requireFree(address(node), brokerPort, "Kafka broker");
            LoopbackPorts.requireFree(address(node), controllerPort, "Kafka controller");
        }
        DataDirectory dataDir = DataDirectory.of(settings.dataDir(), "inkstream-kafka-cluster-");
        LocalKafkaCluster cluster = new LocalKafkaCluster(settings, dataDir, brokerPort, controllerPort);
        long started = System.nanoTime();
        try {
            String clusterId = Uuid.randomUuid().toString();
            for (int node = 1; node <= settings.nodes(); node++) {
                Path logDir = cluster.logDir(node);
                // A directory formatted by an earlier run keeps its cluster id, which every node shares.
                if (!Files.exists(logDir.resolve("meta.properties"))) {
                    KraftNodes.format(cluster.writeProperties(node),
                            clusterId, List.of());
                }
            }
            // A node's start returns once it has caught up with the quorum's metadata, which needs a majority: all at once.
            List<CompletableFuture<Void>> starts = IntStream.rangeClosed(1, settings.nodes())
                    .mapToObj(node -> CompletableFuture.runAsync(() -> cluster.startNode(node))).toList();
            try {
                CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
            cluster.awaitBrokers(settings.nodes());
            log.info("kafka cluster started nodes={} bootstrap={} data_dir={} startup_ms={}", settings.nodes(), cluster.bootstrapServers,
                    dataDir.path(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e instanceof InfrastructureException ? e : new InfrastructureException("the Kafka cluster failed to start: " + e, e);
        }
    }

    /** Node {@code i}'s address: {@code 127.0.0.i}. */
    public static String address(int node) {
        return "127.0.0." + node;
    }

    public int nodes() {
        return settings.nodes();
    }

    /** Stops one node cleanly (its partitions' leadership moves to the others); {@link #start(int)} brings it back. */
    public void stop(int node) {
        KafkaRaftServer server;
        ServiceProcess process;
        synchronized (this) {
            server = servers[node - 1];
            servers[node - 1] = null;
            process = processes[node - 1];
            processes[node - 1] = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        } else if (process != null) {
            try {
                process.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureException("interrupted while stopping Kafka node " + node, e);
            }
        } else {
            return;
        }
        log.info("kafka node stopped node={} address={}", node, address(node));
    }

    /**
     * Kills one forked node with SIGKILL, as a machine dies: the others notice when its heartbeats stop and move its
     * partitions' leadership. {@link #start(int)} brings it back on its log.
     */
    public void kill(int node) {
        if (!settings.forked()) {
            throw new UnsupportedOperationException("only a node in its own JVM can be killed: start the cluster with forkedNodes()");
        }
        ServiceProcess process;
        synchronized (this) {
            process = processes[node - 1];
            processes[node - 1] = null;
        }
        if (process == null) {
            return;
        }
        try {
            process.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while killing Kafka node " + node, e);
        }
        log.info("kafka node killed node={} address={}", node, address(node));
    }

    /** Starts a stopped node again on its log; returns once it has caught up with the cluster's metadata. */
    public void start(int node) {
        startNode(node);
        awaitBrokers(settings.nodes());
        log.info("kafka node started node={} address={}", node, address(node));
    }

    private void startNode(int node) {
        if (settings.forked()) {
            Path config = writeProperties(node);
            try {
                ServiceProcess process = ServiceProcess.start("kafka.Kafka", List.of(config.toString()), Map.of(), serverLog(node));
                synchronized (this) {
                    processes[node - 1] = process;
                }
            } catch (java.io.IOException e) {
                throw new InfrastructureException("cannot fork Kafka node " + node + ": " + e.getMessage(), e);
            }
            return; // ready once the cluster shows it (awaitBrokers)
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties(node), false), Time.SYSTEM);
        synchronized (this) {
            servers[node - 1] = server;
        }
        server.startup();
    }

    /**
     * Where forked node {@code node} writes its output (its log lines); kept after {@link #close()} when the settings gave a
     * data directory.
     */
    public Path serverLog(int node) {
        return nodeDir(node).resolve("server.log");
    }

    private Path logDir(int node) {
        return nodeDir(node).resolve("kraft-logs");
    }

    private Path nodeDir(int node) {
        return dataDir.resolve("node-" + node);
    }

    /** Node {@code node}'s settings, written to its file beside its directory: formatting reads it, and so does a forked node. */
    private Path writeProperties(int node) {
        return KraftNodes.writeProperties(dataDir.path().resolve("node-" + node + ".properties"), properties(node));
    }

    private Map<String, String> properties(int node) {
        String host = address(node);
        int nodes = settings.nodes();
        String voters = IntStream.rangeClosed(1, nodes).mapToObj(i -> i + "@" + address(i) + ":" + controllerPort)
                .collect(Collectors.joining(","));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.putAll(KraftNodes.localSettings(logDir(node), nodes));
        return p;
    }

    private void awaitBrokers(int expected) {
        KraftNodes.awaitBrokers(clientProperties(), bootstrapServers, expected, READY_TIMEOUT);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            List<Integer> running = new ArrayList<>();
            synchronized (this) {
                for (int node = 1; node <= servers.length; node++) {
                    if (servers[node - 1] != null || processes[node - 1] != null) {
                        running.add(node);
                    }
                }
            }
            // All at once: the last nodes of a quorum wait for each other to shut down cleanly.
            CompletableFuture.allOf(running.stream().map(node -> CompletableFuture.runAsync(() -> stop(node)))
                    .toArray(CompletableFuture[]::new)).join();
            log.info("kafka cluster stopped bootstrap={}", bootstrapServers);
        } finally {
            dataDir.close();
        }
    }
}
