package io.inkstream.testkit.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.time.Duration;
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
     * The first schema changes on a fresh node take several seconds (seen: over the driver's
     * default 2 s in CI), as in PredictionSchema, which allows them a minute too.
     */
    private static SimpleStatement ddl(String cql) {
        return SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(60));
    }
}
