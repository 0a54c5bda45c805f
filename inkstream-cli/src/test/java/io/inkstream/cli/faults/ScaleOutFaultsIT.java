package io.inkstream.cli.faults;

import static io.inkstream.cli.ServiceWaits.awaitHealthy;
import static io.inkstream.cli.ServiceWaits.withLogTail;
import static io.inkstream.cli.faults.FaultSuite.assertStoredExactlyOnce;
import static io.inkstream.cli.faults.FaultSuite.awaitLag;
import static io.inkstream.cli.faults.FaultSuite.nowMicros;
import static io.inkstream.cli.faults.FaultSuite.pause;
import static io.inkstream.cli.faults.FaultSuite.report;
import static io.inkstream.cli.faults.FaultSuite.settle;
import static io.inkstream.cli.faults.FaultSuite.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.faults.FaultSuite.Attempt;
import io.inkstream.cli.faults.FaultSuite.Fault;
import io.inkstream.cli.faults.FaultSuite.FaultCost;
import io.inkstream.cli.stack.LocalStack;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.cassandra.LocalCassandraRing;
import io.inkstream.infra.kafka.LocalKafkaCluster;
import io.inkstream.infra.process.ServiceProcess;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.sink.SinkConfig;
import io.inkstream.store.PredictionSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out fault suite: two gateways, two classifiers and two sinks, each in a JVM of its own,
 * on a 3-broker KRaft cluster (each broker a JVM of its own; topics with three replicas,
 * {@code min.insync.replicas=2}) and a 3-node Cassandra ring (keyspace with three replicas,
 * {@code LOCAL_QUORUM}), as {@code inkstream up --brokers 3 --cassandra-nodes 3} lays them out.
 * Steady uploads go to both gateways in turn, and a client whose gateway does not answer sends the
 * upload again, with the same Idempotency-Key, to the other. One at a time, with steady traffic
 * between, and none of them restarted: a classifier is killed (SIGKILL; the other takes its tasks),
 * a sink is killed, the broker that leads most {@code images} partitions is killed, a Cassandra
 * node is killed, a gateway is killed. Then every accepted upload has exactly one row per table
 * and no refused one has any; each fault's cost is printed and bounded. Each fault is shown to have
 * landed (the survivor owns every partition; leadership left the dead broker; with a second node
 * gone a quorum read is refused).
 */
class ScaleOutFaultsIT {
    private static final int RATE = 10;
    private static final Duration DRAIN = Duration.ofMinutes(4);
    /** Every fault is over within this (the goal is 10 s; this machine runs 14 JVMs on two cores). */
    private static final Duration RECOVERY_BOUND = Duration.ofMinutes(2);
    private static final Duration SETTLE_BOUND = Duration.ofMinutes(4);
    /** A client tries each gateway twice before it gives up on an upload. */
    private static final int TRIES_PER_GATEWAY = 2;

    @TempDir
    Path temp;

    @Test
    void withTwoOfEachServiceOnThreeBrokersAndThreeNodesKillingOneThingAtATimeLosesAndDuplicatesNothing() throws Exception {
        CompletableFuture<LocalCassandraRing> starting = CompletableFuture.supplyAsync(() ->
                LocalCassandraRing.start(new LocalCassandraRing.Settings(3, 0, 0, temp.resolve("cassandra"), "512m")));
        LocalKafkaCluster brokers = LocalKafkaCluster.start(new LocalKafkaCluster.Settings(3, 0, 0, temp.resolve("kafka")).forkedNodes());
        List<ServiceProcess> services = new ArrayList<>();
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread uploader = null;
        LocalCassandraRing ring = null;
        // Kept after the run, with the brokers' logs (see the end): what a failed run is read from.
        Path log = Files.createDirectories(Path.of("target")).resolve("scale-out-faults-it-services.log");
        Files.deleteIfExists(log);
        try {
            Map<String, String> env = new HashMap<>();
            env.put(GatewayConfig.BOOTSTRAP, brokers.bootstrapServers());
            List<Integer> gatewayPorts = List.of(LoopbackPorts.free(), LoopbackPorts.free());
            List<Integer> classifierPorts = List.of(LoopbackPorts.free(), LoopbackPorts.free());
            List<Integer> sinkPorts = List.of(LoopbackPorts.free(), LoopbackPorts.free());
            List<ServiceProcess> gateways = new ArrayList<>();
            List<ServiceProcess> classifiers = new ArrayList<>();
            List<ServiceProcess> sinks = new ArrayList<>();
            // The classifiers need only the brokers: they load their model while the ring is still starting.
            for (int i = 0; i < 2; i++) {
                Map<String, String> classifier = new HashMap<>(env);
                classifier.put(ClassifierConfig.HTTP_PORT, classifierPorts.get(i).toString());
                classifier.put(ClassifierConfig.STATE_DIR, temp.resolve("classifier-" + i).toString());
                classifier.put(ClassifierConfig.INSTANCE_ID, "scale-out-classifier-" + i);
                classifiers.add(ServiceProcess.start("io.inkstream.classifier.Main", classifier, log));
            }
            services.addAll(classifiers);
            ring = starting.join();
            env.put(GatewayConfig.CONTACT_POINTS, ring.contactPoints());
            env.put(GatewayConfig.REPLICATION, LocalStack.replication(3).orElseThrow());
            try (CqlSession schema = ring.sessionBuilder().build()) {
                // Once, before the four services that would each apply it: tables created at once through different
                // coordinators of a ring can disagree.
                PredictionSchema.apply(schema, LocalStack.replication(3).orElseThrow());
                // A ring's nodes wait on each other's answers: they keep Cassandra's request threads, where a lone node
                // has a few (CassandraClusterIT; this is its control, a node the test sees with the default).
                assertThat(schema.execute("SELECT value FROM system_views.settings WHERE name = ?",
                        LocalCassandra.REQUEST_THREADS_SETTING).one().getString("value")).as("a ring node's request threads")
                        .isEqualTo("128");
            }
            for (int i = 0; i < 2; i++) {
                Map<String, String> sink = new HashMap<>(env);
                sink.put(SinkConfig.HTTP_PORT, sinkPorts.get(i).toString());
                sink.put(SinkConfig.INSTANCE_ID, "scale-out-sink-" + i);
                sinks.add(ServiceProcess.start("io.inkstream.sink.Main", sink, log));
                Map<String, String> gateway = new HashMap<>(env);
                gateway.put(GatewayConfig.PORT, gatewayPorts.get(i).toString());
                gateways.add(ServiceProcess.start("io.inkstream.gateway.Main", gateway, log));
            }
            services.addAll(gateways);
            services.addAll(sinks);
            for (int i = 0; i < 2; i++) {
                awaitHealthy(sinks.get(i), sinkPorts.get(i), "sink " + i);
                awaitHealthy(classifiers.get(i), classifierPorts.get(i), "classifier " + i);
                awaitHealthy(gateways.get(i), gatewayPorts.get(i), "gateway " + i);
            }
            String classifierGroup = ClassifierConfig.fromEnvironment(new Environment(env)).applicationId();
            String sinkGroup = SinkConfig.fromEnvironment(new Environment(env)).groupId();
            try (CqlSession session = quorumSession(ring); Admin admin = Admin.create(brokers.clientProperties())) {
                assertReplicatedThreeWays(admin, session);

                RowWatcher watcher = new RowWatcher(session);
                watcher.start();
                List<Fault> faults = new ArrayList<>();
                ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
                LabelledDigits digits = BundledMnist.validation();
                uploader = new Thread(() -> upload(gatewayPorts, TRIES_PER_GATEWAY, "scale-out-" + System.currentTimeMillis(), RATE,
                        Integer.MAX_VALUE, digits, uploading, attempts, watcher), "steady-uploads");
                long uploadsFrom = nowMicros();
                uploader.start();
                pause(Duration.ofSeconds(10));
                settle(watcher, RATE, SETTLE_BOUND); // the baseline: 10 s of caught-up traffic before the first fault
                pause(Duration.ofSeconds(5));

                long start = nowMicros();
                classifiers.get(0).kill();
                awaitSoleMember(admin, classifierGroup, Topics.IMAGES, "the classifier left running");
                faults.add(new Fault("one of two classifiers killed, not restarted", start, nowMicros()));
                settle(watcher, RATE, SETTLE_BOUND);

                start = nowMicros();
                sinks.get(0).kill();
                awaitSoleMember(admin, sinkGroup, Topics.PREDICTIONS, "the sink left running");
                faults.add(new Fault("one of two sinks killed, not restarted", start, nowMicros()));
                settle(watcher, RATE, SETTLE_BOUND);

                start = nowMicros();
                int leader = leaderOfMostImagesPartitions(admin);
                brokers.kill(leader);
                awaitNoPartitionLedBy(admin, leader);
                faults.add(new Fault("broker " + leader + " (leading most images partitions) killed", start, nowMicros()));
                settle(watcher, RATE, SETTLE_BOUND);

                start = nowMicros();
                ring.kill(3);
                faults.add(new Fault("Cassandra node 3 of 3 killed", start, nowMicros()));
                settle(watcher, RATE, SETTLE_BOUND);

                start = nowMicros();
                gateways.get(0).kill();
                faults.add(new Fault("one of two gateways killed, clients retry on the other", start, nowMicros()));
                settle(watcher, RATE, SETTLE_BOUND);

                uploading.set(false);
                // Until the last was sent, not answered: the answers to those in flight can take the client's timeout (30 s).
                double uploadSeconds = (nowMicros() - uploadsFrom) / 1e6;
                uploader.join();
                // Strict: both stages have committed the end of their input, so no row or duplicate is still on its way.
                GroupLag lag = new GroupLag(admin);
                awaitLag(() -> lag.of(classifierGroup, Topics.IMAGES) + lag.of(sinkGroup, Topics.PREDICTIONS),
                        "the classifier's and the sink's lag", DRAIN);

                List<Attempt> all = List.copyOf(attempts);
                List<Attempt> accepted = all.stream().filter(Attempt::accepted).toList();
                List<Attempt> refused = all.stream().filter(a -> !a.accepted()).toList();
                Map<String, Long> written = watcher.awaitAll(accepted.size(), DRAIN);
                watcher.close();
                List<FaultCost> costs = report("scale-out fault suite", RATE, all, written, faults);

                // The uploads ran all along: as many as the rate gives over the time they ran, and each fault met them (at least the
                // 3 s of steady traffic that follow it). Not a fixed total: how long the suite runs is how fast the faults are over.
                assertThat(accepted.size()).as("uploads accepted in %.0f s at %d/s", uploadSeconds, RATE)
                        .isGreaterThanOrEqualTo((int) (0.9 * RATE * uploadSeconds));
                for (FaultCost cost : costs) {
                    assertThat(cost.accepted()).as("uploads accepted during '%s'", cost.fault().name()).isGreaterThanOrEqualTo(2 * RATE);
                    assertThat(cost.recoveredSeconds()).as("seconds until '%s' stopped costing latency", cost.fault().name())
                            .isLessThan(RECOVERY_BOUND.toSeconds());
                    // Every fault leaves a majority of brokers and nodes and one instance of each service: an upload may wait, but
                    // its client gets a 202 from one gateway or the other.
                    assertThat(cost.refused().stream().map(a -> a.describedFrom(cost.fault().startMicros())).toList())
                            .as("uploads refused during '%s'", cost.fault().name()).isEmpty();
                }
                assertStoredExactlyOnce(session, accepted, refused, written);

                // With one node and one broker of three gone the services still have their quorums, and say so.
                int gateway = gatewayPorts.get(1);
                int classifier = classifierPorts.get(1);
                int sink = sinkPorts.get(1);
                assertThat(health(gateway)).as("the gateway's health, one node and one broker of three gone").startsWith("200 ")
                        .contains("\"status\":\"UP\"", "\"ring\":\"quorum (2 of 3 nodes up)", "\"brokers\":\"quorum (leader");
                assertThat(health(sink)).as("the sink's health, one node and one broker of three gone").startsWith("200 ")
                        .contains("\"ring\":\"quorum (2 of 3 nodes up)", "\"brokers\":\"quorum (leader");
                assertThat(health(classifier)).as("the classifier's health, one broker of three gone").startsWith("200 ")
                        .contains("\"brokers\":\"quorum (leader");

                // The control for the ring: with a second node of three gone a quorum read is refused, so the reads above really
                // needed two replicas, and the killed node was really gone.
                ring.stop(2);
                PreparedStatement rows = session.prepare("SELECT COUNT(*) AS n FROM inkstream.predictions_by_image WHERE image_id = ?");
                assertThatThrownBy(() -> session.execute(rows.bind(accepted.get(0).id())))
                        .as("a quorum read with one replica of three left")
                        .hasMessageContaining("Not enough replicas available for query at consistency LOCAL_QUORUM (2 required");
                // And the services see it too, though one node still answers: the gateway keeps taking uploads (DEGRADED, 200),
                // the sink, whose writes cannot succeed, is DOWN; both say so in their log.
                awaitTogether(() -> awaitHealth(gateway, "200 ", "\"status\":\"DEGRADED\"", "\"ring\":\"no quorum (1 of 3 nodes up)"),
                        () -> awaitHealth(sink, "503 ", "\"status\":\"DOWN\"", "\"ring\":\"no quorum (1 of 3 nodes up)"));
                assertThat(Files.readString(log)).as("the services' log").contains("cassandra quorum lost no quorum (1 of 3 nodes up)");

                // The same for the brokers: with a second broker of three gone the last one still answers, but the cluster has
                // no leader, so nothing can be written or committed; every service reports DOWN and logs it.
                int secondBroker = leader == 1 ? 2 : 1;
                brokers.kill(secondBroker);
                awaitTogether(() -> awaitHealth(gateway, "503 ", "\"status\":\"DOWN\"", "\"brokers\":\"no quorum"),
                        () -> awaitHealth(classifier, "503 ", "\"status\":\"DOWN\"", "\"brokers\":\"no quorum"),
                        () -> awaitHealth(sink, "503 ", "\"status\":\"DOWN\"", "\"brokers\":\"no quorum"));
                assertThat(Files.readString(log)).as("the services' log").contains("kafka quorum lost no quorum");
            }
        } catch (AssertionError failed) {
            throw withLogTail(failed, log);
        } finally {
            uploading.set(false);
            if (uploader != null) {
                uploader.join(30_000);
            }
            // Everything is killed: its data goes with the temporary directory, and clean shutdowns took half a minute.
            for (ServiceProcess service : services) {
                service.kill();
            }
            if (ring == null) { // something failed while the ring was starting: it still has to go
                try {
                    starting.join().close();
                } catch (RuntimeException startFailed) {
                    // nothing started, nothing to stop
                }
            }
            for (int node = 1; node <= 3; node++) {
                if (ring != null) {
                    ring.kill(node);
                }
                brokers.kill(node);
            }
            if (ring != null) {
                ring.close();
            }
            brokers.close();
            // The brokers' own logs (their warnings: the transaction coordinator's errors) would go with the temporary
            // directory; a failed run is read from them, so they are kept beside the services' log.
            for (int node = 1; node <= 3; node++) {
                Path brokerLog = brokers.serverLog(node);
                if (Files.exists(brokerLog)) {
                    Files.copy(brokerLog, Path.of("target", "scale-out-faults-it-kafka-node-" + node + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** "STATUS BODY" of a service's /health (the local services show their details to anyone). */
    private static String health(int port) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " " + answer.body();
    }

    /** Waits up to 30 s for a /health answer that starts with the status and holds every part; fails with the last one seen. */
    private static void awaitHealth(int port, String status, String... parts) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = health(port);
        while (!(last.startsWith(status) && Arrays.stream(parts).allMatch(last::contains)) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            last = health(port);
        }
        assertThat(last).as("/health on port %d", port).startsWith(status).contains(parts);
    }

    /** A wait that may fail with what it saw. */
    private interface Check {
        void run() throws Exception;
    }

    /** Runs the waits at once (each service notices on its own), and fails with the first that failed. */
    private static void awaitTogether(Check... checks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(checks.length);
        try {
            List<Future<Object>> running = Arrays.stream(checks).map(check -> pool.submit(() -> {
                check.run();
                return null;
            })).toList();
            for (Future<Object> done : running) {
                try {
                    done.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AssertionError failed) {
                        throw failed;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads at LOCAL_QUORUM, as the services do: one node of three may be down. */
    private static CqlSession quorumSession(LocalCassandraRing ring) {
        return ring.sessionBuilder().withConfigLoader(CassandraCluster.driverConfig()
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, ConsistencyLevel.LOCAL_QUORUM.name())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10)).build()).build();
    }

    private static void assertReplicatedThreeWays(Admin admin, CqlSession session) throws Exception {
        for (String topic : List.of(Topics.IMAGES, Topics.PREDICTIONS)) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).as("partitions of %s", topic).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get("min.insync.replicas").value()).as("min.insync.replicas of %s", topic).isEqualTo("2");
        }
        assertThat(session.getMetadata().getNodes()).hasSize(3);
        Map<String, String> replication = session.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'inkstream'")
                .one().getMap("replication", String.class, String.class);
        assertThat(replication).containsEntry("replication_factor", "3");
    }

    /** The node that leads the most partitions of {@code images}. */
    private static int leaderOfMostImagesPartitions(Admin admin) throws Exception {
        Map<Integer, Long> led = admin.describeTopics(List.of(Topics.IMAGES)).allTopicNames().get(30, TimeUnit.SECONDS).get(Topics.IMAGES)
                .partitions().stream().collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()));
        return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Waits until no partition of {@code images} names the killed node as its leader; fails with the leaders last seen. */
    private static void awaitNoPartitionLedBy(Admin admin, int node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        List<String> leaders = List.of();
        while (System.nanoTime() < deadline) {
            try {
                List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(Topics.IMAGES)).allTopicNames().get(5, TimeUnit.SECONDS)
                        .get(Topics.IMAGES).partitions();
                leaders = partitions.stream().map(p -> p.partition() + "->" + (p.leader() == null ? "none" : p.leader().id())).toList();
                if (partitions.stream().allMatch(p -> p.leader() != null && p.leader().id() != node)) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                leaders = List.of(e.toString());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("partitions of " + Topics.IMAGES + " still led by killed broker " + node + " after 1 min: " + leaders);
    }

    /** Waits until the group has one member left and it owns every partition of {@code topic}; fails with the members last seen. */
    private static void awaitSoleMember(Admin admin, String group, String topic, String what) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Long> owned = Map.of();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            owned = description.members().stream().collect(Collectors.toMap(m -> m.groupInstanceId().orElse(m.consumerId()),
                    m -> m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count(), Long::sum));
            if (owned.size() == 1 && owned.values().iterator().next() == partitions) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(what + " did not take over the " + partitions + " partitions of " + topic + " in group " + group
                + " within 2 min; members and their partitions " + owned);
    }
}
