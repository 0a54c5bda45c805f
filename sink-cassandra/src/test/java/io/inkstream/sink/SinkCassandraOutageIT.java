package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.store.PredictionReader;
import io.inkstream.testkit.LoopbackPorts;
import io.inkstream.testkit.cassandra.LocalCassandra;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.KafkaCluster;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cassandra node is stopped for 20 s while predictions stream in, then started again on the
 * same data: the sink reports itself unhealthy, waits, resumes, and every prediction ends as a row.
 * A node of its own (the shared one serves other tests), on fixed ports so that it comes back
 * where the sink expects it.
 */
@ExtendWith(SharedInfrastructure.class)
class SinkCassandraOutageIT {
    private static final int PREDICTIONS = 5_000;

    @TempDir
    Path temp;

    @Test
    void cassandraStoppedForTwentySecondsMidRunTheSinkWaitsResumesAndLosesNothing(KafkaCluster kafka) throws Exception {
        LocalCassandra.Settings settings = LocalCassandra.Settings.defaults()
                .withNativePort(LoopbackPorts.free())
                .withStoragePort(LoopbackPorts.free())
                .withDataDir(temp.resolve("cassandra"));
        String model = "outage-" + UUID.randomUUID();
        LocalCassandra node = LocalCassandra.start(settings);
        InetSocketAddress contactPoint = node.contactPoint();
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), contactPoint).withHttpPort(0)
                .withGroupId("sink-outage-" + UUID.randomUUID());
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

            try (CqlSession session = CqlSession.builder().addContactPoint(contactPoint).withLocalDatacenter("datacenter1").build()) {
                SinkIT.await(() -> new PredictionReader(session).accuracy(model).predictions(), 1000, Duration.ofSeconds(60));
            }
            node.close(); // SIGTERM; the data directory is kept
            long stoppedAt = System.nanoTime();
            Thread.sleep(8_000);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + sink.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("health while Cassandra is down: %s", health.body()).isEqualTo(503);
            Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - stoppedAt) / 1_000_000));
            node = LocalCassandra.start(settings);
            producer.join();

            try (CqlSession session = CqlSession.builder().addContactPoint(contactPoint).withLocalDatacenter("datacenter1").build()) {
                PredictionReader reader = new PredictionReader(session);
                SinkIT.await(() -> reader.accuracy(model).predictions(), PREDICTIONS, Duration.ofSeconds(120));
                assertThat(reader.accuracy(model).predictions()).isEqualTo(PREDICTIONS);
                assertThat(reader.countHistory(model).predictions()).isEqualTo(PREDICTIONS);
                assertThat(SinkIT.rowsByImage(session, model, PREDICTIONS)).isEqualTo(PREDICTIONS);
            }
        } finally {
            node.close();
        }
    }
}
