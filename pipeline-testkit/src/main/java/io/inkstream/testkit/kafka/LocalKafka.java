package io.inkstream.testkit.kafka;

import io.inkstream.testkit.DataDirectory;
import io.inkstream.testkit.InfrastructureException;
import io.inkstream.testkit.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller in one process) running inside this JVM,
 * on loopback only. Starts in about 5 s; transactions and consumer groups work because every
 * internal topic is set to one replica.
 */
public final class LocalKafka implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param brokerPort     the PLAINTEXT listener port, 0 for a free one
     * @param controllerPort the KRaft controller port, 0 for a free one
     * @param dataDir        where the log lives (kept on close), or null for a temporary directory (deleted)
     * @param overrides      broker properties that replace the defaults below
     */
    public record Settings(int brokerPort, int controllerPort, Path dataDir, Map<String, String> overrides) {
        public Settings {
            overrides = Map.copyOf(overrides);
        }

        public static Settings defaults() {
            return new Settings(0, 0, null, Map.of());
        }

        public Settings withBrokerPort(int port) {
            return new Settings(port, controllerPort, dataDir, overrides);
        }

        public Settings withControllerPort(int port) {
            return new Settings(brokerPort, port, dataDir, overrides);
        }

        public Settings withDataDir(Path dir) {
            return new Settings(brokerPort, controllerPort, dir, overrides);
        }

        public Settings with(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(overrides);
            merged.put(key, value);
            return new Settings(brokerPort, controllerPort, dataDir, merged);
        }
    }

    private final KafkaRaftServer server;
    private final DataDirectory dataDir;
    private final String bootstrapServers;

    private LocalKafka(KafkaRaftServer server, DataDirectory dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    public static LocalKafka start() {
        return start(Settings.defaults());
    }

    public static LocalKafka start(Settings settings) {
        int brokerPort = LoopbackPorts.resolve(settings.brokerPort(), "Kafka broker");
        int controllerPort = LoopbackPorts.resolve(settings.controllerPort(), "Kafka controller");
        DataDirectory dataDir = DataDirectory.of(settings.dataDir(), "inkstream-kafka-");
        long started = System.nanoTime();
        try {
            Map<String, String> props = brokerProperties(brokerPort, controllerPort, dataDir.resolve("kraft-logs"));
            props.putAll(settings.overrides());
            Path propertiesFile = writeProperties(dataDir.path().resolve("server.properties"), props);
            // A directory formatted by an earlier run keeps its cluster id: formatting again would need that id.
            if (!Files.exists(dataDir.resolve("kraft-logs").resolve("meta.properties"))) {
                format(propertiesFile);
            }

            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            LocalKafka kafka = new LocalKafka(server, dataDir, bootstrap);
            kafka.awaitReady();
            log.info("kafka started bootstrap={} data_dir={} startup_ms={}", bootstrap, dataDir.path(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return kafka;
        } catch (RuntimeException e) {
            dataDir.close();
            if (e instanceof InfrastructureException) {
                throw e;
            }
            throw new InfrastructureException("the Kafka broker failed to start on 127.0.0.1:" + brokerPort + ": " + e, e);
        }
    }

    /** One broker that is also the controller: every internal topic must have one replica, or groups and transactions hang. */
    private static Map<String, String> brokerProperties(int brokerPort, int controllerPort, Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Tests and the local run start consumers right away: no reason to wait for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created by the services' own set-up, with their own partitions and configs.
        p.put("auto.create.topics.enable", "false");
        // One node sharing a small machine with the services: the defaults (3 network and 8 request
        // threads) only add context switches there.
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        return p;
    }

    private static Path writeProperties(Path file, Map<String, String> props) {
        Properties properties = new Properties();
        properties.putAll(props);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "written by Inkstream's LocalKafka");
        } catch (IOException e) {
            throw new InfrastructureException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Formats a new log directory as a standalone KRaft quorum of this one node. */
    private static void format(Path propertiesFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", propertiesFile.toString(), "--standalone", "--ignore-formatted"}, out);
        } catch (Exception e) {
            throw new InfrastructureException("formatting the Kafka log directory failed: " + e.getMessage(), e);
        }
        if (code != 0) {
            throw new InfrastructureException("formatting the Kafka log directory failed (exit " + code + "): "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Properties props = clientProperties();
        props.put("request.timeout.ms", "2000");
        props.put("default.api.timeout.ms", "2000");
        try (Admin admin = Admin.create(props)) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleepBriefly();
            }
            throw new InfrastructureException("the Kafka broker at " + bootstrapServers + " did not become ready within "
                    + READY_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last));
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while waiting for the Kafka broker", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDirectory() {
        return dataDir.path();
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
            log.info("kafka stopped bootstrap={}", bootstrapServers);
        } finally {
            dataDir.close();
        }
    }
}
