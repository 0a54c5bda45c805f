package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.store.PredictionReader;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cassandra node is stopped for 10 s while predictions stream in, then started again on the
 * same data: the sink reports itself unhealthy, waits, resumes, and every prediction ends as a row.
 * The test checks that the outage hit writes in flight (the group's committed offsets lag the topic
 * when the node comes back), and that health turns 503 and back to 200, polled, not sampled once.
 * Its negative control runs the same outage with a sink that drops what it failed to write once
 * ({@code INKSTREAM_SINK_COMMIT=AFTER_ONE_ATTEMPT_UNSAFE}) and sees the rows it lost. Rows are
 * counted once the group has committed the end of the topic: what is not a row then never will be.
 * A node of its own (the shared one serves other tests), on fixed ports so that it comes back
 * where the sink expects it; both tests stop and start it.
 */
@ExtendWith(SharedInfrastructure.class)
class SinkCassandraOutageIT {
    private static final int PREDICTIONS = 5_000;
    /** The sink sees the node gone for this and its start (about 10 s more): its retries back off to their longest (5 s) and go on. */
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private static LocalCassandra.Settings settings;
    private static LocalCassandra node;

    /** What an outage left: predictions not yet committed when the node came back, and the rows once everything was consumed. */
    private record Outcome(long pendingAtRestart, long counted, long history, long byImage) {
    }

    @BeforeAll
    static void startNode(@TempDir Path temp) {
        settings = LocalCassandra.Settings.defaults()
                .withNativePort(LoopbackPorts.free())
                .withStoragePort(LoopbackPorts.free())
                .withDataDir(temp.resolve("cassandra"));
        node = LocalCassandra.start(settings);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void cassandraStoppedForTenSecondsMidRunTheSinkWaitsResumesAndLosesNothing(KafkaCluster kafka) throws Exception {
        Outcome outcome = outage(kafka, SinkConfig.Commit.AFTER_WRITE);
        assertThat(outcome.pendingAtRestart()).as("predictions consumed or waiting but not committed while Cassandra was down: the"
                + " outage hit writes in flight, or this test proves nothing").isPositive();
        assertThat(outcome.byImage()).isEqualTo(PREDICTIONS);
        assertThat(outcome.history()).isEqualTo(PREDICTIONS);
        assertThat(outcome.counted()).isEqualTo(PREDICTIONS);
    }

    @Test
    void negativeControlDroppingWhatFailedLosesRowsUnderTheSameOutage(KafkaCluster kafka) throws Exception {
        Outcome outcome = outage(kafka, SinkConfig.Commit.AFTER_ONE_ATTEMPT_UNSAFE);
        assertThat(outcome.byImage()).as("a sink that drops failed writes must lose rows in the outage, or this test cannot see a loss")
                .isLessThan(PREDICTIONS);
    }

    private static Outcome outage(KafkaCluster kafka, SinkConfig.Commit commit) throws Exception {
        String model = "outage-" + UUID.randomUUID();
        InetSocketAddress contactPoint = node.contactPoint();
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), contactPoint).withHttpPort(0)
                .withGroupId("sink-outage-" + UUID.randomUUID()).withCommit(commit);
        try (SinkService sink = SinkService.start(config)) {
            Thread producer = new Thread(() -> {
                for (int from = 0; from < PREDICTIONS; from += 100) {
                    SinkIT.produceRange(kafka, model, from, from + 100);
                    try {
                        Thread.sleep(200); // 500 predictions/s for 10 s: still flowing when the node stops
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "prediction-producer");
            producer.start();

            try (CqlSession session = session(contactPoint)) {
                SinkIT.await(() -> new PredictionReader(session).accuracy(model).predictions(), 1000, Duration.ofSeconds(60));
            }
            node.close(); // SIGTERM; the data directory is kept
            long stoppedAt = System.nanoTime();
            awaitHealth(sink, 503, Duration.ofSeconds(15));
            // The fault lasts 10 s whatever the machine's speed: this wait is the outage, not a guess at a condition.
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
            long pending = lag(kafka, config.groupId());
            node = LocalCassandra.start(settings);
            producer.join();

            SinkIT.awaitCommittedToEnd(kafka, config.groupId(), Duration.ofSeconds(120));
            awaitHealth(sink, 200, Duration.ofSeconds(60));
            try (CqlSession session = session(contactPoint)) {
                PredictionReader reader = new PredictionReader(session);
                Outcome outcome = new Outcome(pending, reader.accuracy(model).predictions(), reader.countHistory(model).predictions(),
                        SinkIT.rowsByImage(session, model, PREDICTIONS));
                System.out.printf("sink (%s) through a %s Cassandra outage: %s of %d predictions%n", commit, OUTAGE, outcome, PREDICTIONS);
                return outcome;
            }
        }
    }

    private static CqlSession session(InetSocketAddress contactPoint) {
        return CqlSession.builder().addContactPoint(contactPoint).withLocalDatacenter("datacenter1").build();
    }

    /** Predictions on the topic beyond what the sink's group has committed: not yet written to Cassandra. */
    private static long lag(KafkaCluster kafka, String groupId) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return SinkService.lag(admin, groupId);
        }
    }

    /** Polls the sink's health until it answers {@code status}; fails with its last answer at the deadline. */
    private static void awaitHealth(SinkService sink, int status, Duration deadline) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + deadline.toNanos();
        HttpResponse<String> health;
        do {
            health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() == status) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
        throw new AssertionError("the sink's health did not answer " + status + " within " + deadline + "; last: " + health.statusCode()
                + " " + health.body());
    }
}
