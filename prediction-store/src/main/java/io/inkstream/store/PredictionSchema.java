package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code schema.cql}: keyspace and tables created when absent, the schema version recorded.
 * A schema already at this version is left alone, so a service whose role may read and write the
 * tables but not create them (a cluster with authentication, the schema applied by an operator) starts.
 */
public final class PredictionSchema {
    /** 2: image_failures. 3: predictions_by_image.class_probabilities, one frozen cell. 4: prediction_tallies. 5: upload_keys.
     * 6: image_labels, labels_by_model, correction_progress (people's corrections). 7: predictions_by_image.model_input.
     * 8: shadow_tallies, shadow_predictions_by_image (a shadow model's answers). 9: upload_keys.first_claimed_at.
     * 10: upload_keys.claims. 11: image_labels.votes, image_labels.contested. */
    public static final int VERSION = 11;
    public static final String KEYSPACE = "inkstream";
    public static final String DEFAULT_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    private static final Logger log = LoggerFactory.getLogger(PredictionSchema.class);

    private PredictionSchema() {
    }

    /** @param replication a CQL replication map, e.g. {@code {'class': 'NetworkTopologyStrategy', 'dc1': 3}} */
    public static void apply(CqlSession session, String replication) {
        long started = System.nanoTime();
        int applied = appliedVersion(session);
        if (applied >= VERSION) {
            log.info("schema current keyspace={} version={}", KEYSPACE, applied);
            return;
        }
        // The file's last statement records its version, once every table exists.
        for (String statement : statements(replication)) {
            // DDL waits for schema agreement and the driver's metadata refresh (application.conf says how long).
            session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(60)));
        }
        log.info("schema applied keyspace={} version={} replication=\"{}\" ms={}", KEYSPACE, VERSION, replication,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The version recorded in {@code schema_version}; 0 when there is no keyspace, table or row yet. */
    static int appliedVersion(CqlSession session) {
        try {
            Row row = session.execute("SELECT version FROM " + KEYSPACE + ".schema_version WHERE component = 'predictions'").one();
            return row == null || row.isNull("version") ? 0 : row.getInt("version");
        } catch (InvalidQueryException noTableYet) {
            return 0;
        }
    }

    /** The statements of {@code schema.cql}, comments removed, with the given replication. */
    public static List<String> statements(String replication) {
        String cql;
        try (InputStream in = PredictionSchema.class.getResourceAsStream("schema.cql")) {
            if (in == null) {
                throw new IllegalStateException("schema.cql is missing from the prediction-store jar");
            }
            cql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String withoutComments = Arrays.stream(cql.split("\n"))
                .filter(line -> !line.strip().startsWith("--"))
                .reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(withoutComments.replace(DEFAULT_REPLICATION, replication).split(";"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .toList();
    }

    /** The resource itself, for tools that apply it with cqlsh. */
    public static String resourcePath() {
        return "io/inkstream/store/schema.cql";
    }
}
