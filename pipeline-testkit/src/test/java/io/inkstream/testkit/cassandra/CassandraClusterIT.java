package io.inkstream.testkit.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared Cassandra node answers CQL: schema changes, writes and reads. */
@ExtendWith(SharedInfrastructure.class)
class CassandraClusterIT {

    @Test
    void createsAKeyspaceAndTableThenWritesAndReadsARow(CassandraCluster cassandra) {
        String keyspace = "ks_" + UUID.randomUUID().toString().replace("-", "");
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            session.execute(ddl("CREATE KEYSPACE " + keyspace
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
            session.execute(ddl("CREATE TABLE " + keyspace + ".digits (image_id text PRIMARY KEY, label int, confidence float)"));
            session.execute(session.prepare("INSERT INTO " + keyspace + ".digits (image_id, label, confidence) VALUES (?, ?, ?)")
                    .bind("img-1", 7, 0.98f));

            Row row = session.execute(session.prepare("SELECT label, confidence FROM " + keyspace + ".digits WHERE image_id = ?")
                    .bind("img-1")).one();

            assertThat(row).isNotNull();
            assertThat(row.getInt("label")).isEqualTo(7);
            assertThat(row.getFloat("confidence")).isEqualTo(0.98f);
        }
    }

    /**
     * A local node reads the time when asked, not every 2 ms: Cassandra's approximate clock is the precise one, so the node
     * starts no sampling task (500 wake-ups a second, docs/benchmarks.md). Read from the node's own log: the clock logs
     * each task it schedules, and the ten-second conversion task, which every clock schedules, shows the log is the one.
     */
    @Test
    void aLocalNodeRunsNoApproximateClockTask(CassandraCluster cassandra) throws IOException {
        assumeTrue(cassandra instanceof LocalCassandra, "a container runs the image's own JVM options");
        Path log;
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            Row logDir = session.execute("SELECT value FROM system_views.system_properties WHERE name = 'cassandra.logdir'").one();
            assertThat(logDir).as("the node names its log directory").isNotNull();
            log = Path.of(logDir.getString("value"), "system.log");
        }
        List<String> clockTasks = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("Scheduling approximate time")).toList();
        assertThat(clockTasks).as("the control: the clock's tasks are logged in %s", log)
                .anyMatch(line -> line.contains("approximate time conversion task"));
        assertThat(clockTasks).noneMatch(line -> line.contains("approximate time-check task"));
    }

    /**
     * A lone local node serves requests on a few threads, not Cassandra's 128: each extra thread of its shared pool parks
     * and wakes looking for work (docs/benchmarks.md). Read from the node's settings table, which reports what it runs;
     * the control, a ring's node keeping Cassandra's default, is in ScaleOutFaultsIT.
     */
    @Test
    void aLoneLocalNodeServesRequestsOnAFewThreads(CassandraCluster cassandra) {
        assumeTrue(cassandra instanceof LocalCassandra, "a container runs the image's own settings");
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            Row threads = session.execute("SELECT value FROM system_views.settings WHERE name = ?",
                    LocalCassandra.REQUEST_THREADS_SETTING).one();
            assertThat(threads).as("the node reports %s", LocalCassandra.REQUEST_THREADS_SETTING).isNotNull();
            assertThat(threads.getString("value")).isEqualTo(Integer.toString(LocalCassandra.LONE_NODE_REQUEST_THREADS));
        }
    }

    /**
     * The first schema changes on a fresh node take several seconds (seen: over the driver's
     * default 2 s in CI), as in PredictionSchema, which allows them a minute too.
     */
    private static SimpleStatement ddl(String cql) {
        return SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(60));
    }
}
