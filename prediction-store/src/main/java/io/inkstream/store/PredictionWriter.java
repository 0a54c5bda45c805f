package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.inkstream.contract.prediction.Prediction;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionStage;

/**
 * Writes a prediction into every table, as upserts by primary key: writing the same prediction
 * twice changes nothing, which is what makes the sink's at-least-once delivery an exactly-once
 * effect. Statements are prepared once and marked idempotent, so the driver may retry them.
 * Thread-safe.
 */
public final class PredictionWriter {
    private final CqlSession session;
    private final PreparedStatement byImage;
    private final PreparedStatement byModelDay;
    private final PreparedStatement modelDay;

    public PredictionWriter(CqlSession session) {
        this.session = session;
        String ks = PredictionSchema.KEYSPACE;
        this.byImage = session.prepare("INSERT INTO " + ks + ".predictions_by_image (image_id, model_version, label, confidence, "
                + "probabilities, true_label, source, submitted_at, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.byModelDay = session.prepare("INSERT INTO " + ks + ".predictions_by_model_day (model_version, day, classified_at, image_id, "
                + "label, confidence, true_label, source, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.modelDay = session.prepare("INSERT INTO " + ks + ".prediction_days_by_model (model_version, day) VALUES (?, ?)");
    }

    /**
     * Both tables in one unlogged batch: the rows live in different partitions, so the batch only
     * saves round trips; each insert is idempotent, so a partial failure is repaired by retrying.
     */
    public CompletionStage<AsyncResultSet> write(Prediction p) {
        LocalDate day = dayOf(p);
        BatchStatement batch = BatchStatement.builder(BatchType.UNLOGGED)
                .addStatement(byImage.bind(p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(),
                        p.trueLabel(), p.source(), p.submittedAt(), p.classifiedAt()))
                .addStatement(byModelDay.bind(p.modelVersion(), day, p.classifiedAt(), p.imageId(), p.label(), p.confidence(),
                        p.trueLabel(), p.source(), p.submittedAt()))
                .addStatement(modelDay.bind(p.modelVersion(), day))
                .setIdempotence(true)
                .build();
        return session.executeAsync(batch);
    }

    /** The UTC day a prediction was made: its partition in predictions_by_model_day. */
    public static LocalDate dayOf(Prediction prediction) {
        return LocalDate.ofInstant(prediction.classifiedAt(), ZoneOffset.UTC);
    }
}
