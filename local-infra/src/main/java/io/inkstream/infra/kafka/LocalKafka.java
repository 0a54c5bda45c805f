package io.inkstream.infra.kafka;

import io.inkstream.infra.DataDirectory;
import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
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
     * @param scramUsers     empty for a PLAINTEXT broker; else SCRAM-SHA-512 users by name with their passwords, the broker's
     *                       listener SASL_PLAINTEXT, and ACLs enforced by the StandardAuthorizer, with {@link #ADMIN} the super user
     */
    public record Settings(int brokerPort, int controllerPort, Path dataDir, Map<String, String> overrides, Map<String, String> scramUsers) {
        public Settings {
            overrides = Map.copyOf(overrides);
            scramUsers = Map.copyOf(scramUsers);
            if (!scramUsers.isEmpty() && !scramUsers.containsKey(ADMIN)) {
                throw new IllegalArgumentException("a secured broker needs the user " + ADMIN + ", its super user");
            }
        }

        public static Settings defaults() {
            return new Settings(0, 0, null, Map.of(), Map.of());
        }

        public Settings withBrokerPort(int port) {
            return new Settings(port, controllerPort, dataDir, overrides, scramUsers);
        }

        public Settings withControllerPort(int port) {
            return new Settings(brokerPort, port, dataDir, overrides, scramUsers);
        }

        public Settings withDataDir(Path dir) {
            return new Settings(brokerPort, controllerPort, dir, overrides, scramUsers);
        }

        public Settings with(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(overrides);
            merged.put(key, value);
            return new Settings(brokerPort, controllerPort, dataDir, merged, scramUsers);
        }

        /**
         * The TLS of the listener named {@code listener} (its listeners are set with {@link #with}): the broker's certificate
         * and key from {@code keyStore}, and a client certificate required of every client, one that {@code trustStore}
         * holds; both PKCS #12 under {@code password}.
         */
        public Settings withClientCertificatesRequired(String listener, Path keyStore, Path trustStore, String password) {
            String ssl = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".ssl.";
            return with(ssl + "keystore.location", keyStore.toString()).with(ssl + "keystore.password", password)
                    .with(ssl + "keystore.type", "PKCS12")
                    .with(ssl + "truststore.location", trustStore.toString()).with(ssl + "truststore.password", password)
                    .with(ssl + "truststore.type", "PKCS12")
                    .with(ssl + "client.auth", "required");
        }

        /** SASL/SCRAM and ACLs, as docker-compose runs the broker: these users (with {@link #ADMIN}) and nothing anonymous. */
        public Settings secured(Map<String, String> users) {
            return new Settings(brokerPort, controllerPort, dataDir, overrides, users);
        }
    }

    /** The super user of a secured broker. */
    public static final String ADMIN = "admin";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final KafkaRaftServer server;
    private final DataDirectory dataDir;
    private final String bootstrapServers;
    private final Map<String, String> scramUsers;

    private LocalKafka(KafkaRaftServer server, DataDirectory dataDir, String bootstrapServers, Map<String, String> scramUsers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.scramUsers = scramUsers;
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
            if (!settings.scramUsers().isEmpty()) {
                props.putAll(securedListeners(brokerPort, controllerPort, settings.scramUsers().get(ADMIN)));
            }
            props.putAll(settings.overrides());
            Path propertiesFile = KraftNodes.writeProperties(dataDir.path().resolve("server.properties"), props);
            // A directory formatted by an earlier run keeps its cluster id: formatting again would need that id.
            if (!Files.exists(dataDir.resolve("kraft-logs").resolve("meta.properties"))) {
                format(propertiesFile, settings.scramUsers());
            }

            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            LocalKafka kafka = new LocalKafka(server, dataDir, bootstrap, settings.scramUsers());
            KraftNodes.awaitBrokers(kafka.clientProperties(), bootstrap, 1, READY_TIMEOUT);
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
        p.putAll(KraftNodes.localSettings(logDir, 1));
        return p;
    }

    /**
     * The broker's listener takes SASL/SCRAM only and the StandardAuthorizer checks every request against the ACLs; the
     * broker talks to itself as {@link #ADMIN}. The controller listener stays PLAINTEXT on loopback, as SCRAM credentials
     * live in the metadata the controller serves: ANONYMOUS there is the broker itself, a super user too.
     */
    private static Map<String, String> securedListeners(int brokerPort, int controllerPort, String adminPassword) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", jaas(ADMIN, adminPassword));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /** The JAAS line of a SCRAM login. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** How a client logs in as {@code user} on a secured broker: what a service takes as INKSTREAM_KAFKA_CLIENT_*. */
    public Properties clientProperties(String user) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        String password = scramUsers.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user " + user + " on this broker: " + scramUsers.keySet());
        }
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", SCRAM_MECHANISM);
        props.put("sasl.jaas.config", jaas(user, password));
        return props;
    }

    /** On a secured broker, as {@link #ADMIN}: tests read and create topics as the super user. */
    @Override
    public Properties clientProperties() {
        return scramUsers.isEmpty() ? KafkaCluster.super.clientProperties() : clientProperties(ADMIN);
    }

    /** Formats a new log directory as a standalone KRaft quorum of this one node. */
    private static void format(Path propertiesFile, Map<String, String> scramUsers) {
        List<String> extra = new ArrayList<>(List.of("--standalone"));
        // SCRAM credentials of a KRaft cluster live in its metadata: written with the first records, before anyone logs in.
        scramUsers.forEach((user, password) -> extra.addAll(List.of("--add-scram",
                SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]")));
        KraftNodes.format(propertiesFile, Uuid.randomUuid().toString(), extra);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
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
