package io.inkstream.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import io.inkstream.infra.DataDirectory;
import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.process.ChildJvm;
import io.inkstream.infra.tls.SelfSignedKeyStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Cassandra 5.0 node in a forked JVM, on loopback only. Its classpath comes from
 * {@code cassandra-node-runtime} and never touches ours: the server's netty, guava and logback
 * clash with the driver's and the services'. Starts in about 15 s, uses about 700 MB.
 */
public final class LocalCassandra implements CassandraCluster {
    private static final Logger log = LoggerFactory.getLogger(LocalCassandra.class);
    private static final String CLASSPATH_RESOURCE = "META-INF/inkstream/cassandra-node.classpath";
    private static final String RESOURCES = "/io/inkstream/infra/cassandra/";
    private static final int LOG_TAIL_LINES = 40;

    /**
     * @param nativePort  the CQL port, 0 for a free one
     * @param storagePort the inter-node port, 0 for a free one
     * @param dataDir     where data and logs live (kept on close), or null for a temporary directory (deleted)
     * @param maxHeap     the node's -Xmx, e.g. "1g"
     * @param startTimeout how long to wait for CQL to answer
     * @param yamlOverrides cassandra.yaml keys that replace or add to the defaults
     * @param address     the loopback address the node listens on (127.0.0.1; a ring's nodes take 127.0.0.2, ...)
     * @param seeds       the seed nodes' {@code address:storagePort}, comma-separated; null for this node alone (which serves
     *                    requests on {@link #LONE_NODE_REQUEST_THREADS} threads unless {@code yamlOverrides} say otherwise)
     * @param clientEncryption the key store of the node's CQL port, which then speaks TLS only, and whether it asks for client
     *                         certificates; null for plain CQL
     */
    public record Settings(int nativePort, int storagePort, Path dataDir, String maxHeap, Duration startTimeout,
                           Map<String, String> yamlOverrides, String address, String seeds, ClientEncryption clientEncryption) {
        public Settings {
            yamlOverrides = Map.copyOf(yamlOverrides);
        }

        /**
         * Five minutes to answer CQL: a node that dies says so at once (its exit is watched), but a
         * live one restarted under load on a slow two-core machine was still opening its tables at
         * 120 s (PipelineFaultsIT, with the node's fresh start taking 58-70 s on that machine).
         */
        public static Settings defaults() {
            return new Settings(0, 0, null, "1g", Duration.ofSeconds(300), Map.of(), "127.0.0.1", null, null);
        }

        public Settings withNativePort(int port) {
            return new Settings(port, storagePort, dataDir, maxHeap, startTimeout, yamlOverrides, address, seeds, clientEncryption);
        }

        public Settings withStoragePort(int port) {
            return new Settings(nativePort, port, dataDir, maxHeap, startTimeout, yamlOverrides, address, seeds, clientEncryption);
        }

        public Settings withDataDir(Path dir) {
            return new Settings(nativePort, storagePort, dir, maxHeap, startTimeout, yamlOverrides, address, seeds, clientEncryption);
        }

        public Settings withYaml(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(yamlOverrides);
            merged.put(key, value);
            return new Settings(nativePort, storagePort, dataDir, maxHeap, startTimeout, merged, address, seeds, clientEncryption);
        }

        /** A node of a ring: its own address, and the seeds it joins through. */
        public Settings inRing(String nodeAddress, String seedList) {
            return new Settings(nativePort, storagePort, dataDir, maxHeap, startTimeout, yamlOverrides, nodeAddress, seedList,
                    clientEncryption);
        }

        /** Logins and permissions, as docker-compose runs the node: the superuser {@link #SUPERUSER} makes the roles. */
        public Settings withPasswordAuthentication() {
            return withYaml("authenticator", "PasswordAuthenticator").withYaml("authorizer", "CassandraAuthorizer")
                    .withYaml("role_manager", "CassandraRoleManager");
        }

        /**
         * TLS on the CQL port, as a cluster with client encryption runs it: {@code keyStore} (PKCS #12) holds the node's
         * certificate and key; clients without TLS are refused. {@link LocalCassandra#sessionBuilder()} trusts that certificate.
         */
        public Settings withClientEncryption(Path keyStore, String password) {
            return new Settings(nativePort, storagePort, dataDir, maxHeap, startTimeout, yamlOverrides, address, seeds,
                    new ClientEncryption(keyStore, password, null));
        }

        /**
         * With {@link #withClientEncryption}: clients must also show a certificate that {@code clientTrustStore} (PKCS #12,
         * the same password) holds, as a cluster with {@code require_client_auth} asks. {@link LocalCassandra#sessionBuilder()}
         * shows the node's own certificate, so the store must hold that one too.
         */
        public Settings withClientCertificatesRequired(Path clientTrustStore) {
            if (clientEncryption == null) {
                throw new IllegalStateException("client certificates are asked for over TLS: set withClientEncryption first");
            }
            return new Settings(nativePort, storagePort, dataDir, maxHeap, startTimeout, yamlOverrides, address, seeds,
                    new ClientEncryption(clientEncryption.keyStore(), clientEncryption.password(), clientTrustStore));
        }

        boolean authenticated() {
            return String.valueOf(yamlOverrides.get("authenticator")).contains("PasswordAuthenticator");
        }
    }

    /**
     * A node's key store for TLS on its CQL port, and the trust store of the client certificates it asks for (null: it asks
     * for none); one password for both.
     */
    public record ClientEncryption(Path keyStore, String password, Path clientTrustStore) {
        /** Its {@code client_encryption_options} in cassandra.yaml. */
        String yaml() {
            String quoted = password.replace("'", "''");
            String clients = clientTrustStore == null ? ""
                    : ", require_client_auth: true, truststore: '" + clientTrustStore + "', truststore_password: '" + quoted + "'";
            return "{enabled: true, optional: false, keystore: '" + keyStore + "', keystore_password: '" + quoted + "'" + clients
                    + ", store_type: PKCS12}";
        }

        /** The node's own sessions: trusting its certificate, and showing it where client certificates are asked for. */
        SSLContext sessions() throws IOException, GeneralSecurityException {
            return clientTrustStore == null ? SelfSignedKeyStores.trusting(keyStore, password)
                    : SelfSignedKeyStores.showingAndTrusting(keyStore, password);
        }

        @Override
        public String toString() {
            return "ClientEncryption[" + keyStore + (clientTrustStore == null ? "" : ", clients " + clientTrustStore) + "]"; // never the password
        }
    }

    /** The default superuser of a node with authentication, {@code cassandra} with the password {@code cassandra}. */
    public static final String SUPERUSER = "cassandra";

    private final Process process;
    private final DataDirectory dataDir;
    private final InetSocketAddress contactPoint;
    private final Thread reaper;
    private final boolean authenticated;
    private final Optional<SSLContext> tls;

    private LocalCassandra(Process process, DataDirectory dataDir, InetSocketAddress contactPoint, boolean authenticated,
                           Optional<SSLContext> tls) {
        this.process = process;
        this.dataDir = dataDir;
        this.contactPoint = contactPoint;
        this.authenticated = authenticated;
        this.tls = tls;
        // A node outliving its parent would hold ports and memory: stop it when this JVM exits.
        this.reaper = new Thread(() -> stopProcess(dataDir.temporary()), "local-cassandra-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static LocalCassandra start() {
        return start(Settings.defaults());
    }

    public static LocalCassandra start(Settings settings) {
        int nativePort = settings.nativePort() == 0 ? LoopbackPorts.free() : settings.nativePort();
        int storagePort = settings.storagePort() == 0 ? LoopbackPorts.free() : settings.storagePort();
        LoopbackPorts.requireFree(settings.address(), nativePort, "Cassandra CQL");
        LoopbackPorts.requireFree(settings.address(), storagePort, "Cassandra storage");
        String classpath = nodeClasspath();
        Optional<SSLContext> tls = Optional.empty();
        if (settings.clientEncryption() != null) {
            try {
                tls = Optional.of(settings.clientEncryption().sessions());
            } catch (IOException | GeneralSecurityException e) {
                throw new InfrastructureException("cannot read the node's key store " + settings.clientEncryption().keyStore() + ": "
                        + e.getMessage(), e);
            }
        }
        DataDirectory dataDir = DataDirectory.of(settings.dataDir(), "inkstream-cassandra-");
        Path logDir = dataDir.resolve("logs");
        Path confDir = dataDir.resolve("conf");
        Path yaml = confDir.resolve("cassandra.yaml");
        Path logback = confDir.resolve("logback.xml");
        // Alone: no seeds named. Not the same as being its own seed, which a ring's first node is too (ownSeed, below).
        boolean alone = settings.seeds() == null;
        String seeds = alone ? settings.address() + ":" + storagePort : settings.seeds();
        Map<String, String> overrides = new LinkedHashMap<>(settings.yamlOverrides());
        if (alone) {
            overrides.putIfAbsent(REQUEST_THREADS_SETTING, Integer.toString(LONE_NODE_REQUEST_THREADS));
        }
        if (settings.clientEncryption() != null) {
            overrides.put("client_encryption_options", settings.clientEncryption().yaml());
        }
        write(yaml, cassandraYaml(nativePort, storagePort, dataDir.path(), settings.address(), seeds, overrides));
        write(logback, resource("logback.xml"));

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // A small -Xms: as root, JNA's mlockall pins the whole initial heap.
        command.addAll(List.of("-Xms256m", "-Xmx" + settings.maxHeap(), "-Xss256k", "-XX:+UseG1GC",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true"));
        command.addAll(jvm17Options());
        command.addAll(ChildJvm.options());
        command.add("-javaagent:" + jammAgent(classpath));
        command.add("-Dcassandra.config=" + yaml.toUri());
        command.add("-Dcassandra.storagedir=" + dataDir.path());
        command.add("-Dcassandra.logdir=" + logDir);
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-Dcassandra-foreground=yes");
        // A single node has no one to gossip with: skip the waits meant for rings. A node joining a ring through another
        // seed waits the ring delay for the seed's first answer (its "shadow round"): 0 there failed on a loaded machine.
        command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        boolean ownSeed = seeds.equals(settings.address() + ":" + storagePort);
        command.add("-Dcassandra.ring_delay_ms=" + (ownSeed ? 0 : 15_000));
        command.add("-Dcassandra.superuser_setup_delay_ms=0");
        // Cassandra's approximate clock is a task that reads the time every 2 ms, 500 wake-ups a second: 0.02-0.03 of a
        // core on this machine, idle or not, about 0.05 ms of each upload's CPU at 500/s (docs/benchmarks.md). The
        // precise clock in its place (System.nanoTime, the same source) has no task at all.
        command.add("-D" + APPROXIMATE_CLOCK_PROPERTY + "=" + PRECISE_CLOCK_CLASS);
        command.addAll(List.of("-cp", classpath, "org.apache.cassandra.service.CassandraDaemon", "-f"));

        Path output = logDir.resolve("output.log");
        Process process;
        long started = System.nanoTime();
        try {
            process = new ProcessBuilder(ChildJvm.ignoringTerminalSignals(command))
                    .directory(dataDir.path().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (IOException e) {
            dataDir.close();
            throw new InfrastructureException("cannot fork the Cassandra node: " + e.getMessage(), e);
        }
        LocalCassandra node = new LocalCassandra(process, dataDir, new InetSocketAddress(settings.address(), nativePort),
                settings.authenticated(), tls);
        try {
            node.awaitCql(settings.startTimeout(), logDir);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        log.info("cassandra started cql={}:{} pid={} data_dir={} startup_ms={}", settings.address(), nativePort, process.pid(),
                dataDir.path(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return node;
    }

    /**
     * The node's approximate clock, and the class that makes it the precise one (Cassandra then starts no sampling task);
     * docker-compose's node takes the same through {@code JVM_EXTRA_OPTS}.
     */
    public static final String APPROXIMATE_CLOCK_PROPERTY = "cassandra.monotonic_clock.approx";
    public static final String PRECISE_CLOCK_CLASS = "org.apache.cassandra.utils.MonotonicClock$SystemClock";

    /**
     * A lone node's request threads: 4, where Cassandra allows 128. Its requests wait on no other node, so a request holds
     * its thread only while it computes, and threads beyond the cores buy wake-ups: Cassandra's shared pool hands a burst
     * of the sink's writes to as many threads as it has requests, and each of them then parks and wakes for about 10 ms
     * looking for more. At 500 uploads/s, 4 threads took the node from 9,100-10,300 wake-ups a second to 5,800-6,200 and
     * about a fifth off its CPU per upload (docs/benchmarks.md). A ring's nodes keep Cassandra's 128: their requests wait
     * on each other's answers.
     */
    public static final String REQUEST_THREADS_SETTING = "native_transport_max_threads";
    public static final int LONE_NODE_REQUEST_THREADS = 4;

    /** Where {@code cassandra-node-runtime} recorded a Maven repository's path in its classpath. */
    static final String REPOSITORY_TOKEN = "@MAVEN_REPOSITORY@";
    /** The Maven repository that holds the node's jars when it is not the default one. */
    public static final String REPOSITORY_VARIABLE = "INKSTREAM_MAVEN_REPOSITORY";

    /**
     * The classpath that cassandra-node-runtime resolved at build time, in this machine's local Maven
     * repository: {@value #REPOSITORY_VARIABLE}, else {@code -Dmaven.repo.local}, else
     * {@code ~/.m2/repository}. So a CLI built on one machine runs a node on another that has the jars.
     */
    static String nodeClasspath() {
        try (InputStream in = LocalCassandra.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new InfrastructureException(CLASSPATH_RESOURCE + " is not on the classpath: build the "
                        + "cassandra-node-runtime module (./mvnw install -pl cassandra-node-runtime)");
            }
            return nodeClasspath(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip(), localRepository());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded classpath in {@code repository}; every jar must be there, or the message says how to fetch them. */
    static String nodeClasspath(String recorded, Path repository) {
        List<String> entries = Arrays.stream(recorded.split(java.io.File.pathSeparator))
                .map(entry -> entry.replace(REPOSITORY_TOKEN, repository.toString()))
                .toList();
        List<String> missing = entries.stream().filter(entry -> !Files.exists(Path.of(entry))).toList();
        if (!missing.isEmpty()) {
            throw new InfrastructureException("the Cassandra node's jars are not in the Maven repository " + repository + " ("
                    + missing.size() + " of " + entries.size() + " missing, first " + missing.get(0) + "): fetch them with "
                    + "'mvn dependency:get -Dartifact=" + serverArtifact(entries) + "', or set " + REPOSITORY_VARIABLE + " to the repository that has them");
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** {@code org.apache.cassandra:cassandra-all:VERSION}, the version read from the recorded jar's path. */
    private static String serverArtifact(List<String> entries) {
        String server = "org.apache.cassandra:cassandra-all";
        return entries.stream()
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString().startsWith("cassandra-all-") && jar.getParent() != null)
                .map(jar -> server + ":" + jar.getParent().getFileName())
                .findFirst()
                .orElse(server + ":5.0");
    }

    private static Path localRepository() {
        String configured = System.getenv(REPOSITORY_VARIABLE);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("maven.repo.local");
        }
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".m2", "repository")
                : Path.of(configured.strip());
    }

    private static String jammAgent(String classpath) {
        return Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith("jamm-"))
                .findFirst()
                .orElseThrow(() -> new InfrastructureException("no jamm jar in the Cassandra classpath: the node needs it as its agent"));
    }

    private static List<String> jvm17Options() {
        return resource("jvm17-server.options").lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .flatMap(line -> line.startsWith("--") ? Stream.of(line.split(" ", 2)) : Stream.of(line))
                .collect(Collectors.toList());
    }

    static String cassandraYaml(int nativePort, int storagePort, Path dataDir, String address, String seeds, Map<String, String> overrides) {
        String base = resource("cassandra.yaml")
                .replace("${address}", address)
                .replace("${seeds}", seeds)
                .replace("${native_port}", Integer.toString(nativePort))
                .replace("${storage_port}", Integer.toString(storagePort))
                .replace("${data_dir}", dataDir.toString());
        StringBuilder yaml = new StringBuilder();
        for (String line : base.split("\n", -1)) {
            boolean overridden = overrides.keySet().stream().anyMatch(key -> line.startsWith(key + ":"));
            if (!overridden) {
                yaml.append(line).append('\n');
            }
        }
        overrides.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
        return yaml.toString();
    }

    private static String resource(String name) {
        try (InputStream in = LocalCassandra.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InfrastructureException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the port accepts connections and a CQL query answers; fails early if the node dies. */
    private void awaitCql(Duration timeout, Path logDir) {
        long deadline = System.nanoTime() + timeout.toNanos();
        DriverConfigLoader config = CassandraCluster.driverConfig()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .build();
        RuntimeException lastRefusal = null;
        while (true) {
            // An open port is not an answer yet: a node that just opened it on a loaded machine can
            // refuse the first queries (PipelineFaultsIT's restart did), so it is asked again.
            if (portOpen()) {
                try (CqlSession session = sessionBuilder().withConfigLoader(config).build()) {
                    session.execute("SELECT release_version FROM system.local");
                    return;
                } catch (RuntimeException e) {
                    lastRefusal = e;
                }
            }
            if (!process.isAlive()) {
                throw new InfrastructureException("the Cassandra node exited with code " + process.exitValue()
                        + " before CQL answered on " + describeContactPoint() + "\n" + logTails(logDir), lastRefusal);
            }
            if (System.nanoTime() > deadline) {
                throw new InfrastructureException("the Cassandra node did not answer CQL on " + describeContactPoint()
                        + " within " + timeout.toSeconds() + " s"
                        + (lastRefusal == null ? "" : " (its port is open; the last query failed: " + lastRefusal.getMessage() + ")")
                        + "\n" + logTails(logDir), lastRefusal);
            }
            sleepBriefly();
        }
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(contactPoint, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String describeContactPoint() {
        return contactPoint.getHostString() + ":" + contactPoint.getPort();
    }

    /** The last lines of the node's own log and of its console: where the cause of a failed start is written. */
    static String logTails(Path logDir) {
        StringBuilder tails = new StringBuilder();
        for (String name : List.of("system.log", "output.log")) {
            Path file = logDir.resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty()) {
                    continue;
                }
                List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
                tails.append("--- last ").append(tail.size()).append(" lines of ").append(file).append(" ---\n");
                tail.forEach(line -> tails.append(line).append('\n'));
            } catch (IOException e) {
                tails.append("(cannot read ").append(file).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return tails.length() == 0 ? "(the node wrote no log in " + logDir + ")" : tails.toString();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while waiting for the Cassandra node", e);
        }
    }

    /**
     * On a node with authentication, as {@link #SUPERUSER}; on one with client encryption, over TLS trusting its certificate
     * (hostname validation on): the testkit's own checks and the tests' reads.
     */
    @Override
    public CqlSessionBuilder sessionBuilder() {
        CqlSessionBuilder builder = CassandraCluster.super.sessionBuilder();
        tls.ifPresent(context -> builder.withSslEngineFactory(new ProgrammaticSslEngineFactory(context, null, true, false)));
        return authenticated ? builder.withAuthCredentials(SUPERUSER, SUPERUSER) : builder;
    }

    @Override
    public InetSocketAddress contactPoint() {
        return contactPoint;
    }

    @Override
    public String localDatacenter() {
        return "datacenter1";
    }



    /**
     * Stops the node with SIGTERM (a clean shutdown that flushes its commit log) when its data is kept; a node whose
     * temporary directory is deleted next is killed instead: its clean shutdown took 5-8 s, for files about to go.
     */
    @Override
    public void close() {
        end(dataDir.temporary());
    }

    /**
     * From now on only {@link #close} or {@link #kill} stops the node, no longer this JVM's exit too: for an owner whose
     * own shutdown hook closes it after the services that write to it, as {@code inkstream up}'s does. A JVM runs its
     * shutdown hooks all at once, so the hook meant for a node nobody closes stopped this one under the sink's last
     * writes and the gateway's last claims.
     */
    @Override
    public void stopOnlyOnClose() {
        removeReaper();
    }

    /**
     * SIGKILL, as a machine dies: no drain, no flush (what the commit log holds is replayed by the next start on this
     * data). Then as {@link #close}: a temporary directory is deleted.
     */
    public void kill() {
        end(true);
    }

    private void end(boolean kill) {
        removeReaper();
        stopProcess(kill);
        dataDir.close();
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or will run: it stops the node as it would have, and stopping twice is harmless.
        }
    }

    /** Synchronized: on SIGTERM the reaper hook and the owner's close() both get here, and one stop is enough. */
    private synchronized void stopProcess(boolean kill) {
        if (!process.isAlive()) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                log.warn("cassandra did not stop within 30 s of {} pid={}: killing it", kill ? "SIGKILL" : "SIGTERM", process.pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            log.info("cassandra {} cql={} exit={}", kill ? "killed" : "stopped", describeContactPoint(), process.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
