package io.inkstream.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import io.inkstream.infra.DataDirectory;
import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Cassandra ring of several nodes on this machine, each a {@link LocalCassandra} in its own
 * JVM on its own loopback address ({@code 127.0.0.i} for node {@code i}, 1-based), with the same
 * ports on each, one datacenter. Node 1 is the seed. The ring is new and empty when first started,
 * so no node streams data to join: each takes an evenly spaced token ({@code auto_bootstrap: false}),
 * and the nodes after the first start together. {@link #stop} (or {@link #kill}) and {@link #start}
 * take one node down and back on its data.
 */
public final class LocalCassandraRing implements CassandraCluster {
    private static final Logger log = LoggerFactory.getLogger(LocalCassandraRing.class);
    private static final Duration RING_TIMEOUT = Duration.ofSeconds(120);

    /**
     * @param nodes       how many (2 to 9; one node is {@link LocalCassandra})
     * @param nativePort  the CQL port of every node, 0 for a free one
     * @param storagePort the inter-node port of every node, 0 for a free one
     * @param dataDir     node {@code i} keeps its data in {@code node-i} here (kept), or null for a temporary directory
     * @param maxHeap     each node's -Xmx
     */
    public record Settings(int nodes, int nativePort, int storagePort, Path dataDir, String maxHeap) {
        public Settings {
            if (nodes < 2 || nodes > 9) {
                throw new IllegalArgumentException("a local ring has 2 to 9 nodes, not " + nodes);
            }
        }
    }

    private final LocalCassandra.Settings[] nodeSettings;
    private final LocalCassandra[] nodes;
    /** Holds every node's directory: a node restarted by {@link #start(int)} must find its own data, or the ring refuses it. */
    private final DataDirectory dataDir;
    private boolean stopOnlyOnClose;

    private LocalCassandraRing(LocalCassandra.Settings[] nodeSettings, DataDirectory dataDir) {
        this.nodeSettings = nodeSettings;
        this.nodes = new LocalCassandra[nodeSettings.length];
        this.dataDir = dataDir;
    }

    public static LocalCassandraRing start(Settings settings) {
        int nativePort = settings.nativePort() == 0 ? LoopbackPorts.free() : settings.nativePort();
        int storagePort = settings.storagePort() == 0 ? LoopbackPorts.free() : settings.storagePort();
        String seed = address(1) + ":" + storagePort;
        DataDirectory dataDir = DataDirectory.of(settings.dataDir(), "inkstream-cassandra-ring-");
        LocalCassandra.Settings[] nodeSettings = new LocalCassandra.Settings[settings.nodes()];
        for (int node = 1; node <= settings.nodes(); node++) {
            LocalCassandra.Settings base = new LocalCassandra.Settings(nativePort, storagePort,
                    dataDir.resolve("node-" + node), settings.maxHeap(),
                    LocalCassandra.Settings.defaults().startTimeout(), Map.of(), address(node), seed, null);
            nodeSettings[node - 1] = base.withYaml("initial_token", token(node, settings.nodes())).withYaml("auto_bootstrap", "false");
        }
        LocalCassandraRing ring = new LocalCassandraRing(nodeSettings, dataDir);
        long started = System.nanoTime();
        try {
            // The seed first: the others learn the ring from it.
            ring.start(1);
            List<CompletableFuture<Void>> others = IntStream.rangeClosed(2, settings.nodes())
                    .mapToObj(node -> CompletableFuture.runAsync(() -> ring.start(node))).toList();
            try {
                CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
            ring.awaitRing();
            log.info("cassandra ring started nodes={} contact_points={} startup_ms={}", settings.nodes(), ring.contactPoints(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return ring;
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    /** Node {@code i}'s address: {@code 127.0.0.i}. */
    public static String address(int node) {
        return "127.0.0." + node;
    }

    /** The token of node {@code i} of {@code n}: the Murmur3 range cut in {@code n} equal parts. */
    static String token(int node, int n) {
        BigInteger range = BigInteger.TWO.pow(64);
        return BigInteger.valueOf(Long.MIN_VALUE).add(range.multiply(BigInteger.valueOf(node - 1)).divide(BigInteger.valueOf(n))).toString();
    }

    public int size() {
        return nodes.length;
    }

    /** Starts node {@code i} (again, on its data); returns once it answers CQL. */
    public void start(int node) {
        LocalCassandra started = LocalCassandra.start(nodeSettings[node - 1]);
        synchronized (this) {
            nodes[node - 1] = started;
            if (stopOnlyOnClose) {
                started.stopOnlyOnClose();
            }
        }
    }

    /** Every node, and any started again later. */
    @Override
    public synchronized void stopOnlyOnClose() {
        stopOnlyOnClose = true;
        Arrays.stream(nodes).filter(Objects::nonNull).forEach(LocalCassandra::stopOnlyOnClose);
    }

    /** Stops node {@code i} cleanly (SIGTERM); the others keep serving what has a quorum of replicas left. */
    public void stop(int node) {
        take(node).ifPresent(LocalCassandra::close);
    }

    /** Kills node {@code i} with SIGKILL, as a machine dies; {@link #start} brings it back on its data (its commit log replayed). */
    public void kill(int node) {
        take(node).ifPresent(LocalCassandra::kill);
    }

    /** Node {@code i}, if it runs, no longer counted as running. */
    private synchronized Optional<LocalCassandra> take(int node) {
        LocalCassandra running = nodes[node - 1];
        nodes[node - 1] = null;
        return Optional.ofNullable(running);
    }

    /** Every node's CQL address, comma-separated: what the services take as INKSTREAM_CASSANDRA_CONTACT_POINTS. */
    public String contactPoints() {
        return IntStream.rangeClosed(1, nodes.length).mapToObj(node -> address(node) + ":" + nodeSettings[node - 1].nativePort())
                .collect(Collectors.joining(","));
    }

    /** Node 1's, the seed: a session finds the others from it. */
    @Override
    public InetSocketAddress contactPoint() {
        return new InetSocketAddress(address(1), nodeSettings[0].nativePort());
    }

    @Override
    public String localDatacenter() {
        return "datacenter1";
    }

    /**
     * Waits until every node, asked itself, sees every other as a peer that serves CQL, and all of
     * them report one schema version; fails with what it saw. Node 1's view alone was not enough: a
     * schema applied right after it failed once with "Keyspace 'inkstream' doesn't exist" on
     * another coordinator (the driver's schema agreement skips a peer whose version its control
     * node does not know yet).
     */
    private void awaitRing() {
        long deadline = System.nanoTime() + RING_TIMEOUT.toNanos();
        String seen = "nothing";
        try (CqlSession session = sessionBuilder().build()) {
            while (System.nanoTime() < deadline) {
                try {
                    Optional<String> missing = unformed(session);
                    if (missing.isEmpty()) {
                        return;
                    }
                    seen = missing.get();
                } catch (DriverException notYet) {
                    seen = notYet.getMessage();
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InfrastructureException("interrupted while waiting for the Cassandra ring", e);
                }
            }
        }
        throw new InfrastructureException("the Cassandra ring did not form (" + nodes.length + " nodes, each seeing the others, one "
                + "schema version) within " + RING_TIMEOUT.toSeconds() + " s; last seen: " + seen);
    }

    /** What keeps the ring from being formed, as the nodes themselves say; empty once it is. */
    private Optional<String> unformed(CqlSession session) {
        Collection<Node> known = session.getMetadata().getNodes().values();
        if (known.size() < nodes.length) {
            return Optional.of("the driver knows " + known.size() + " nodes");
        }
        Set<String> versions = new HashSet<>();
        for (Node node : known) {
            Row local = session.execute(SimpleStatement.newInstance("SELECT schema_version FROM system.local").setNode(node)).one();
            versions.add(local == null ? "none" : String.valueOf(local.getUuid("schema_version")));
            int peers = 0;
            for (Row peer : session.execute(SimpleStatement.newInstance("SELECT native_port, schema_version FROM system.peers_v2").setNode(node))) {
                if (peer.getInt("native_port") > 0) {
                    peers++;
                    versions.add(String.valueOf(peer.getUuid("schema_version")));
                }
            }
            if (peers < nodes.length - 1) {
                return Optional.of(node.getEndPoint() + " sees " + peers + " of " + (nodes.length - 1) + " peers");
            }
        }
        return versions.size() == 1 ? Optional.empty() : Optional.of("schema versions " + versions);
    }

    /** All nodes at once: each shuts down on its own; then a temporary directory is deleted. */
    @Override
    public void close() {
        try {
            CompletableFuture.allOf(IntStream.rangeClosed(1, nodes.length).mapToObj(node -> CompletableFuture.runAsync(() -> stop(node)))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            dataDir.close();
        }
    }
}
