package io.inkstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** schema.cql is applied by the services and, with cqlsh, by compose: the version it records must be the services'. */
class PredictionSchemaTest {
    @Test
    void theFileRecordsTheVersionTheServicesExpectLast() {
        List<String> statements = PredictionSchema.statements(PredictionSchema.DEFAULT_REPLICATION);
        assertThat(statements.get(statements.size() - 1)).startsWith("INSERT INTO inkstream.schema_version")
                .contains("VALUES ('predictions', " + PredictionSchema.VERSION + ", ");
    }

    @Test
    void theReplicationGivenReplacesTheDefault() {
        String replication = "{'class': 'NetworkTopologyStrategy', 'dc1': 3}";
        assertThat(PredictionSchema.statements(replication).get(0)).contains(replication)
                .doesNotContain(PredictionSchema.DEFAULT_REPLICATION);
    }
}
