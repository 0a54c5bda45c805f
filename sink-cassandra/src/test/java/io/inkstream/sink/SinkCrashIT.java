package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.PredictionSchema;
import io.inkstream.testkit.cassandra.CassandraCluster;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.KafkaCluster;
import io.inkstream.testkit.process.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink is SIGKILLed mid-run (no graceful shutdown) and restarted: every prediction ends as a row, counted once. */
@ExtendWith(SharedInfrastructure.class)
class SinkCrashIT {
    private static final int PREDICTIONS = 10_000;

    @Test
    void killingTheSinkMidRunLosesNothing(KafkaCluster kafka, CassandraCluster cassandra) throws Exception {
        String model = "crash-" + UUID.randomUUID();
        Path log = Files.createDirectories(Path.of("target")).resolve("sink-crash-it.log");
        Files.deleteIfExists(log);
        Map<String, String> environment = Map.of(
                SinkConfig.BOOTSTRAP, kafka.bootstrapServers(),
                SinkConfig.CONTACT_POINTS, cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
                SinkConfig.GROUP_ID, "sink-crash-" + UUID.randomUUID(),
                SinkConfig.HTTP_PORT, "0",
                // Small batches and few writes in flight, so that the kill lands mid-run.
                SinkConfig.MAX_POLL_RECORDS, "200",
                SinkConfig.MAX_IN_FLIGHT, "16",
                // A killed member holds its partitions until its session expires: 6 s instead of 45 s.
                SinkConfig.CONSUMER_PREFIX + "SESSION_TIMEOUT_MS", "6000",
                SinkConfig.CONSUMER_PREFIX + "HEARTBEAT_INTERVAL_MS", "2000");
        SinkIT.produce(kafka, model, PREDICTIONS);

        try (CqlSession session = cassandra.sessionBuilder().build()) {
            PredictionSchema.apply(session, PredictionSchema.DEFAULT_REPLICATION); // the reader prepares its queries against it
            PredictionReader reader = new PredictionReader(session);
            try (ServiceProcess sink = ServiceProcess.start("io.inkstream.sink.Main", environment, log)) {
                SinkIT.await(() -> reader.accuracy(model).predictions(), 2000, Duration.ofSeconds(120));
                sink.kill();
            }
            long atKill = reader.countHistory(model).predictions();
            assertThat(atKill).as("rows when killed (log: %s)", log).isBetween(2000L, (long) PREDICTIONS - 1);

            try (ServiceProcess sink = ServiceProcess.start("io.inkstream.sink.Main", environment, log)) {
                SinkIT.await(() -> reader.accuracy(model).predictions(), PREDICTIONS, Duration.ofSeconds(120));
                assertThat(reader.countHistory(model).predictions()).isEqualTo(PREDICTIONS);
                assertThat(SinkIT.rowsByImage(session, model, PREDICTIONS)).isEqualTo(PREDICTIONS);
                // Live accuracy's running counts: every prediction once, though the restart consumed some again.
                assertThat(reader.accuracy(model).predictions()).isEqualTo(PREDICTIONS);
            }
            System.out.printf("sink killed at %d of %d rows; after restart %d%n", atKill, PREDICTIONS, reader.accuracy(model).predictions());
        }
    }
}
