package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.inkstream.contract.prediction.Prediction;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
    private final PreparedStatement failure;
    /** (model, day) pairs already recorded in prediction_days_by_model: one write per pair, not one per prediction. */
    private final Set<String> knownDays = ConcurrentHashMap.newKeySet();

    public PredictionWriter(CqlSession session) {
        this.session = session;
        String ks = PredictionSchema.KEYSPACE;
        this.byImage = session.prepare("INSERT INTO " + ks + ".predictions_by_image (image_id, model_version, label, confidence, "
                + "probabilities, true_label, source, submitted_at, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.byModelDay = session.prepare("INSERT INTO " + ks + ".predictions_by_model_day (model_version, day, classified_at, image_id, "
                + "label, confidence, true_label, source, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.modelDay = session.prepare("INSERT INTO " + ks + ".prediction_days_by_model (model_version, day) VALUES (?, ?)");
        this.failure = session.prepare("INSERT INTO " + ks + ".image_failures (image_id, stage, reason, message, source, failed_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)");
    }

    /**
     * One write per table, in parallel; the day index only the first time this writer sees a
     * (model, day). Every insert is idempotent, so a partial failure is repaired by retrying.
     */
    public CompletionStage<Void> write(Prediction p) {
        LocalDate day = dayOf(p);
        CompletableFuture<AsyncResultSet> image = session.executeAsync(byImage.bind(p.imageId(), p.modelVersion(), p.label(),
                p.confidence(), p.probabilities(), p.trueLabel(), p.source(), p.submittedAt(), p.classifiedAt()).setIdempotent(true))
                .toCompletableFuture();
        CompletableFuture<AsyncResultSet> history = session.executeAsync(byModelDay.bind(p.modelVersion(), day, p.classifiedAt(),
                p.imageId(), p.label(), p.confidence(), p.trueLabel(), p.source(), p.submittedAt()).setIdempotent(true))
                .toCompletableFuture();
        String dayKey = p.modelVersion() + "/" + day;
        CompletableFuture<?> index = knownDays.contains(dayKey)
                ? CompletableFuture.completedFuture(null)
                : session.executeAsync(modelDay.bind(p.modelVersion(), day).setIdempotent(true)).toCompletableFuture()
                        .thenRun(() -> knownDays.add(dayKey));
        return CompletableFuture.allOf(image, history, index);
    }

    /** Records why an accepted image was refused; an upsert like every other write. */
    public CompletionStage<Void> write(ImageFailure f) {
        return session.executeAsync(failure.bind(f.imageId(), f.stage(), f.reason(), f.message(), f.source(), f.failedAt())
                .setIdempotent(true)).thenApply(rows -> null);
    }

    /** The UTC day a prediction was made: its partition in predictions_by_model_day. */
    public static LocalDate dayOf(Prediction prediction) {
        return LocalDate.ofInstant(prediction.classifiedAt(), ZoneOffset.UTC);
    }
}
