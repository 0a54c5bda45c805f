package io.inkstream.cli.faults;

import static io.inkstream.cli.ServiceWaits.awaitHealthy;
import static io.inkstream.cli.ServiceWaits.withLogTail;
import static io.inkstream.cli.faults.FaultSuite.assertStoredExactlyOnce;
import static io.inkstream.cli.faults.FaultSuite.awaitLag;
import static io.inkstream.cli.faults.FaultSuite.hasRow;
import static io.inkstream.cli.faults.FaultSuite.nowMicros;
import static io.inkstream.cli.faults.FaultSuite.pause;
import static io.inkstream.cli.faults.FaultSuite.report;
import static io.inkstream.cli.faults.FaultSuite.settle;
import static io.inkstream.cli.faults.FaultSuite.upload;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.faults.FaultSuite.Attempt;
import io.inkstream.cli.faults.FaultSuite.Fault;
import io.inkstream.cli.faults.FaultSuite.FaultCost;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.infra.process.ServiceProcess;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.sink.SinkConfig;
import io.inkstream.store.PredictionSchema;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: a steady stream of uploads through the gateway while, one at a time, the
 * classifier is killed (SIGKILL), the sink is killed, the broker restarts, and Cassandra stops
 * for 20 s. Afterwards every upload the gateway accepted (202) has exactly one prediction in
 * Cassandra (one row per image in both tables: nothing lost, nothing duplicated), and none it
 * refused has any, counted once both stages have committed the end of their input. Prints what
 * each fault cost in latency and how long recovery took. Its negative controls, on the same stack
 * afterwards, break one guarantee each, and the same check must find the uploads they lost: a sink
 * that commits before it writes is killed right after a commit; a gateway that answers 202 before
 * the broker acknowledges takes uploads while the broker is down for longer than its publish timeout.
 */
class PipelineFaultsIT {
    private static final int RATE = 40;
    private static final Duration DRAIN = Duration.ofMinutes(4);
    /**
     * Each fault's cost, bounded: about four times the slowest recovery measured (67 s, a killed
     * classifier waiting out its session timeout), so that a slow day passes and a pipeline that
     * never recovers does not.
     */
    private static final Duration RECOVERY_BOUND = Duration.ofMinutes(5);
    /** The backlog a fault leaves must drain within this, or the suite stops and says how much was left. */
    private static final Duration SETTLE_BOUND = Duration.ofMinutes(6);
    /** Uploads the negative control sends while the sink is down: 10 s at RATE. */
    private static final int CONTROL_UPLOADS = 10 * RATE;

    /** What the negative control saw: the sink now running, predictions committed and rows written at the kill, uploads lost. */
    private record Control(ServiceProcess sink, long committedAtKill, long rowsAtKill, List<String> lost) {
    }

    /** What the broker's negative control saw: the broker now running, uploads answered 202 while it was down, those without a row. */
    private record BrokerControl(LocalKafka kafka, List<Attempt> acceptedWhileDown, List<String> lost) {
    }

    /** Uploads the broker's negative control sends while the broker is down: one second at RATE. */
    private static final int BROKER_CONTROL_UPLOADS = RATE;

    @TempDir
    Path temp;

    @Test
    void underSteadyUploadsEveryFaultLosesNothingAndDuplicatesNothing() throws Exception {
        LocalKafka.Settings kafkaSettings = LocalKafka.Settings.defaults().withBrokerPort(LoopbackPorts.free())
                .withControllerPort(LoopbackPorts.free()).withDataDir(temp.resolve("kafka"));
        LocalCassandra.Settings cassandraSettings = LocalCassandra.Settings.defaults().withNativePort(LoopbackPorts.free())
                .withStoragePort(LoopbackPorts.free()).withDataDir(temp.resolve("cassandra"));
        LocalKafka kafka = LocalKafka.start(kafkaSettings);
        LocalCassandra cassandra = LocalCassandra.start(cassandraSettings);
        String contactPoint = "127.0.0.1:" + cassandra.contactPoint().getPort();
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.BOOTSTRAP, kafka.bootstrapServers());
        env.put(GatewayConfig.CONTACT_POINTS, contactPoint);
        env.put(GatewayConfig.PORT, "0");
        int classifierPort = LoopbackPorts.free();
        int sinkPort = LoopbackPorts.free();
        env.put(ClassifierConfig.HTTP_PORT, Integer.toString(classifierPort));
        env.put(SinkConfig.HTTP_PORT, Integer.toString(sinkPort));
        env.put(ClassifierConfig.STATE_DIR, temp.resolve("classifier-state").toString());
        // Each service is restarted under the same id: static membership, as a StatefulSet's pod name gives it.
        env.put(ClassifierConfig.INSTANCE_ID, "faults-classifier");
        env.put(SinkConfig.INSTANCE_ID, "faults-sink");
        Path log = temp.resolve("services.log");
        List<Fault> faults = new ArrayList<>();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        LabelledDigits digits = BundledMnist.validation();

        ServiceProcess sink = ServiceProcess.start("io.inkstream.sink.Main", env, log);
        CqlSession session = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", cassandra.contactPoint().getPort()))
                .withLocalDatacenter("datacenter1").build();
        PredictionSchema.apply(session, PredictionSchema.DEFAULT_REPLICATION); // idempotent, as every service does it
        RowWatcher watcher = new RowWatcher(session);
        ServiceProcess classifier = ServiceProcess.start("io.inkstream.classifier.Main", env, log);
        GatewayService gateway = GatewayService.start(GatewayConfig.fromEnvironment(new Environment(env)));
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread uploader = new Thread(() -> upload(List.of(gateway.port()), 1, "faults-" + System.currentTimeMillis(), RATE, Integer.MAX_VALUE,
                digits, uploading, attempts, watcher), "steady-uploads");
        try {
            watcher.start();
            awaitHealthy(classifier, classifierPort, "classifier");
            awaitHealthy(sink, sinkPort, "sink");
            long uploadsFrom = nowMicros();
            uploader.start();
            pause(Duration.ofSeconds(10));
            // Freshly started JVMs fall behind at first: the baseline is the 10 s of steady traffic once they caught up (the
            // 5 s that settle gives every fault, and 5 s more).
            settle(watcher, RATE, SETTLE_BOUND);
            pause(Duration.ofSeconds(5));

            long start = nowMicros();
            classifier.kill();
            pause(Duration.ofSeconds(5));
            classifier = ServiceProcess.start("io.inkstream.classifier.Main", env, log);
            awaitHealthy(classifier, classifierPort, "classifier");
            faults.add(new Fault("classifier killed (SIGKILL), restarted after 5 s", start, nowMicros()));
            settle(watcher, RATE, SETTLE_BOUND);

            start = nowMicros();
            sink.kill();
            pause(Duration.ofSeconds(5));
            sink = ServiceProcess.start("io.inkstream.sink.Main", env, log);
            awaitHealthy(sink, sinkPort, "sink");
            faults.add(new Fault("sink killed (SIGKILL), restarted after 5 s", start, nowMicros()));
            settle(watcher, RATE, SETTLE_BOUND);

            start = nowMicros();
            kafka.close();
            kafka = LocalKafka.start(kafkaSettings);
            faults.add(new Fault("broker restarted", start, nowMicros()));
            settle(watcher, RATE, SETTLE_BOUND);

            start = nowMicros();
            cassandra.close();
            pause(Duration.ofSeconds(20));
            cassandra = LocalCassandra.start(cassandraSettings);
            faults.add(new Fault("Cassandra stopped for 20 s", start, nowMicros()));
            settle(watcher, RATE, SETTLE_BOUND);

            uploading.set(false);
            // Until the last was sent, not answered: the answers to those in flight can take the client's timeout (30 s).
            double uploadSeconds = (nowMicros() - uploadsFrom) / 1e6;
            uploader.join();
            // Strict: both stages have committed the end of their input, so no row or duplicate is still on its way.
            awaitIdle(kafka.bootstrapServers(), env, DRAIN);

            List<Attempt> all = List.copyOf(attempts);
            List<Attempt> accepted = all.stream().filter(Attempt::accepted).toList();
            List<Attempt> refused = all.stream().filter(a -> !a.accepted()).toList();
            Map<String, Long> written = watcher.awaitAll(accepted.size(), DRAIN);
            List<FaultCost> costs = report("fault suite", RATE, all, written, faults);

            // The uploads ran all along: as many as the rate gives over the time they ran (refusals are checked per fault below).
            assertThat(accepted.size()).as("uploads accepted in %.0f s at %d/s", uploadSeconds, RATE)
                    .isGreaterThanOrEqualTo((int) (0.9 * RATE * uploadSeconds)).isGreaterThan(RATE * 60);
            for (FaultCost cost : costs) {
                assertThat(cost.accepted()).as("uploads accepted during '%s'", cost.fault().name()).isGreaterThanOrEqualTo(2 * RATE);
                // Only the broker stands between an upload and its 202: no other fault may cost one. While the broker restarts, an
                // upload waits up to the publish timeout (10 s) and is refused after that, so refusals stay inside the fault and 10 s.
                boolean brokerFault = cost.fault().name().startsWith("broker");
                assertThat(cost.refused().stream().filter(a -> !brokerFault || a.sentMicros() > cost.fault().endMicros() + 10_000_000L)
                        .map(a -> a.describedFrom(cost.fault().startMicros())).toList())
                        .as("uploads refused during '%s' that it does not explain", cost.fault().name()).isEmpty();
                assertThat(cost.recoveredSeconds()).as("seconds until '%s' stopped costing latency", cost.fault().name())
                        .isLessThan(RECOVERY_BOUND.toSeconds());
            }
            assertStoredExactlyOnce(session, accepted, refused, written);

            Control control = negativeControl(kafka.bootstrapServers(), env, log, sink, gateway.port(), digits, watcher, session);
            sink = control.sink();
            assertThat(control.committedAtKill()).as("predictions committed before the kill (the unsafe sink's first batch)").isPositive();
            assertThat(control.rowsAtKill()).as("the kill landed after a commit and before its writes finished")
                    .isLessThan(control.committedAtKill());
            assertThat(control.lost()).as("accepted uploads without a row after the unsafe sink's kill: the suite's check must see them")
                    .isNotEmpty();

            BrokerControl brokerControl = brokerNegativeControl(kafka, kafkaSettings, env, digits, watcher, session);
            kafka = brokerControl.kafka();
            assertThat(brokerControl.acceptedWhileDown()).as("control uploads answered 202 while the broker was down")
                    .hasSize(BROKER_CONTROL_UPLOADS);
            assertThat(brokerControl.lost()).as("uploads answered 202 before the broker had them, the broker down past the publish"
                    + " timeout: the suite's check must see every one lost")
                    .containsExactlyElementsOf(brokerControl.acceptedWhileDown().stream().map(Attempt::id).toList());
        } catch (AssertionError failed) {
            throw withLogTail(failed, log);
        } finally {
            uploading.set(false);
            uploader.join(10_000);
            watcher.close();
            session.close();
            gateway.close();
            classifier.close();
            sink.close();
            cassandra.close();
            kafka.close();
        }
    }

    /**
     * The negative control, on the same stack: the sink killed where committing before writing
     * hurts. A backlog of predictions builds while the sink is down; a sink that commits each batch
     * before writing it ({@code BEFORE_WRITE_UNSAFE}, one write in flight so that the batch takes a
     * while) is killed as soon as its group's offsets move; a correct sink then consumes to the end.
     * The suite's own check must then find accepted uploads without a row.
     */
    private static Control negativeControl(String bootstrap, Map<String, String> env, Path log, ServiceProcess sink, int gatewayPort,
                                                  LabelledDigits digits, RowWatcher watcher, CqlSession session) throws Exception {
        sink.kill();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        upload(List.of(gatewayPort), 1, "control-" + System.currentTimeMillis(), RATE, CONTROL_UPLOADS, digits, new AtomicBoolean(true), attempts,
                watcher);
        List<Attempt> accepted = attempts.stream().filter(Attempt::accepted).toList();
        assertThat(accepted).as("control uploads accepted").hasSize(CONTROL_UPLOADS);
        String classifierGroup = ClassifierConfig.fromEnvironment(new Environment(env)).applicationId();
        String sinkGroup = SinkConfig.fromEnvironment(new Environment(env)).groupId();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            GroupLag lag = new GroupLag(admin);
            awaitLag(() -> lag.of(classifierGroup, Topics.IMAGES), "the classifier's lag on " + Topics.IMAGES, DRAIN);
            long backlog = lag.of(sinkGroup, Topics.PREDICTIONS);
            Map<String, String> unsafe = new HashMap<>(env);
            unsafe.put(SinkConfig.COMMIT, SinkConfig.Commit.BEFORE_WRITE_UNSAFE.name());
            unsafe.put(SinkConfig.MAX_IN_FLIGHT, "1");
            unsafe.put(SinkConfig.MAX_POLL_RECORDS, Integer.toString(2 * CONTROL_UPLOADS));
            long committedAtKill;
            try (ServiceProcess unsafeSink = ServiceProcess.start("io.inkstream.sink.Main", unsafe, log)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                long left = backlog;
                while (left >= backlog && System.nanoTime() < deadline) {
                    // The lag can grow before the sink commits: the classifier's last transaction markers land after its own
                    // input lag reached 0. Only a drop means the sink's offsets moved.
                    backlog = left;
                    Thread.sleep(10);
                    left = lag.of(sinkGroup, Topics.PREDICTIONS);
                }
                unsafeSink.kill();
                committedAtKill = backlog - left;
            }
            long rowsAtKill = accepted.stream().filter(a -> hasRow(session, a.id())).count();
            System.out.printf(Locale.ROOT, "negative control: %d offsets waiting for the sink (predictions and transaction markers), %d committed when it was killed,"
                    + " %d control uploads with a row then%n",
                    backlog, committedAtKill, rowsAtKill);

            ServiceProcess next = ServiceProcess.start("io.inkstream.sink.Main", env, log);
            awaitLag(() -> lag.of(sinkGroup, Topics.PREDICTIONS), "the sink's lag on " + Topics.PREDICTIONS, DRAIN);
            List<String> lost = accepted.stream().filter(a -> !hasRow(session, a.id())).map(Attempt::id).toList();
            System.out.printf(Locale.ROOT, "negative control: %d of %d accepted uploads without a row once the sink consumed everything%n",
                    lost.size(), accepted.size());
            return new Control(next, committedAtKill, rowsAtKill, lost);
        }
    }

    /**
     * The broker's negative control: a second gateway that answers 202 before the broker has an
     * upload ({@code BEFORE_ACK_UNSAFE}, publish timeout 2 s) takes uploads while the broker is down
     * for 5 s; its producer drops them (refused at once, or timed out), the broker comes back, and
     * once the classifier and the sink have consumed to the end the suite's check must find none
     * of them. The uploads it sends first, with the broker up, reach Cassandra: the gateway works.
     */
    private static BrokerControl brokerNegativeControl(LocalKafka kafka, LocalKafka.Settings kafkaSettings, Map<String, String> env,
                                                       LabelledDigits digits, RowWatcher watcher, CqlSession session) throws Exception {
        Map<String, String> unsafe = new HashMap<>(env);
        unsafe.put(GatewayConfig.ANSWER, GatewayConfig.Answer.BEFORE_ACK_UNSAFE.name());
        unsafe.put(GatewayConfig.PUBLISH_TIMEOUT_MS, "2000");
        try (GatewayService gateway = GatewayService.start(GatewayConfig.fromEnvironment(new Environment(unsafe)))) {
            ConcurrentLinkedQueue<Attempt> before = new ConcurrentLinkedQueue<>();
            upload(List.of(gateway.port()), 1, "broker-control-up-" + System.currentTimeMillis(), RATE, RATE, digits, new AtomicBoolean(true),
                    before, watcher);
            awaitIdle(kafka.bootstrapServers(), env, DRAIN);
            assertThat(before.stream().filter(a -> a.accepted() && hasRow(session, a.id())).count())
                    .as("uploads through the unsafe gateway with the broker up that reached Cassandra").isEqualTo(RATE);

            kafka.close();
            long down = nowMicros();
            ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
            upload(List.of(gateway.port()), 1, "broker-control-" + System.currentTimeMillis(), RATE, BROKER_CONTROL_UPLOADS, digits,
                    new AtomicBoolean(true), attempts, watcher);
            pause(Duration.ofSeconds(4)); // twice the publish timeout: the producer has given up on every one
            long up = nowMicros();
            LocalKafka restarted = LocalKafka.start(kafkaSettings);
            List<Attempt> acceptedWhileDown = attempts.stream().filter(a -> a.accepted() && a.sentMicros() >= down && a.sentMicros() < up)
                    .toList();
            awaitIdle(restarted.bootstrapServers(), env, DRAIN);
            List<String> lost = acceptedWhileDown.stream().filter(a -> !hasRow(session, a.id())).map(Attempt::id).toList();
            System.out.printf(Locale.ROOT, "broker's negative control: %d of %d uploads answered 202 while the broker was down, %d of them"
                    + " without a row once the pipeline consumed everything%n", acceptedWhileDown.size(), attempts.size(), lost.size());
            return new BrokerControl(restarted, acceptedWhileDown, lost);
        }
    }

    /** Both stages have committed the end of their input topic: the pipeline is idle. Fails with the lag last seen. */
    private static void awaitIdle(String bootstrap, Map<String, String> env, Duration deadline) throws Exception {
        String classifierGroup = ClassifierConfig.fromEnvironment(new Environment(env)).applicationId();
        String sinkGroup = SinkConfig.fromEnvironment(new Environment(env)).groupId();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            GroupLag lag = new GroupLag(admin);
            awaitLag(() -> lag.of(classifierGroup, Topics.IMAGES) + lag.of(sinkGroup, Topics.PREDICTIONS),
                    "the classifier's and the sink's lag", deadline);
        }
    }


}
