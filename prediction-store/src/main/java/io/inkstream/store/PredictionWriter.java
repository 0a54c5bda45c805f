package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.inkstream.contract.prediction.Prediction;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a prediction into every table, as upserts by primary key: writing the same prediction
 * twice changes nothing, which is what makes the sink's at-least-once delivery an exactly-once
 * effect. Statements are prepared once and marked idempotent, so the driver may retry them.
 * Thread-safe.
 */
public final class PredictionWriter {
    /** History rows per batch: about 100 bytes each, so a batch stays under Cassandra's 5 KiB warning threshold. */
    public static final int HISTORY_BATCH_ROWS = 40;

    private final CqlSession session;
    private final PreparedStatement byImage;
    /** The same with what the model saw: a separate statement, so that a prediction without one writes no null (a tombstone). */
    private final PreparedStatement byImageWithInput;
    private final PreparedStatement byModelDay;
    private final PreparedStatement modelDay;
    private final PreparedStatement failure;
    private final PreparedStatement tally;
    private final PreparedStatement imageLabel;
    private final PreparedStatement modelLabel;
    private final PreparedStatement correctionProgress;
    private final PreparedStatement shadowByImage;
    private final PreparedStatement shadowTally;
    /** (model, day) pairs already recorded in prediction_days_by_model: one write per pair, not one per prediction. */
    private final Set<String> knownDays = ConcurrentHashMap.newKeySet();

    public PredictionWriter(CqlSession session) {
        this.session = session;
        String ks = PredictionSchema.KEYSPACE;
        this.byImage = session.prepare("INSERT INTO " + ks + ".predictions_by_image (image_id, model_version, label, confidence, "
                + "class_probabilities, true_label, source, submitted_at, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.byImageWithInput = session.prepare("INSERT INTO " + ks + ".predictions_by_image (image_id, model_version, label, confidence, "
                + "class_probabilities, true_label, source, submitted_at, classified_at, model_input) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.byModelDay = session.prepare("INSERT INTO " + ks + ".predictions_by_model_day (model_version, day, classified_at, image_id, "
                + "label, confidence, true_label, source, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.modelDay = session.prepare("INSERT INTO " + ks + ".prediction_days_by_model (model_version, day) VALUES (?, ?)");
        this.failure = session.prepare("INSERT INTO " + ks + ".image_failures (image_id, stage, reason, message, source, failed_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)");
        this.tally = session.prepare("INSERT INTO " + ks + ".prediction_tallies (model_version, topic_partition, counted_to, predictions, "
                + "labelled, correct) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        this.imageLabel = session.prepare("INSERT INTO " + ks + ".image_labels (image_id, label, source, labelled_at, votes, contested) "
                + "VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        this.modelLabel = session.prepare("INSERT INTO " + ks + ".labels_by_model (model_version, image_id, label, predicted, labelled_at) "
                + "VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?");
        this.correctionProgress = session.prepare("INSERT INTO " + ks + ".correction_progress (topic_partition, applied_to) VALUES (?, ?) "
                + "USING TIMESTAMP ?");
        this.shadowByImage = session.prepare("INSERT INTO " + ks + ".shadow_predictions_by_image (image_id, model_version, label, "
                + "confidence, active_version, active_label, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.shadowTally = session.prepare("INSERT INTO " + ks + ".shadow_tallies (model_version, topic_partition, counted_to, predictions, "
                + "agreed, labelled, correct) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
    }

    /**
     * Writes one prediction: {@link #write(List)} of one.
     */
    public CompletionStage<Void> write(Prediction p) {
        return write(List.of(p)).get(0);
    }

    /**
     * Writes predictions into every table and returns one stage per prediction, in order, complete
     * when all of that prediction's rows are written. Each row by image is a partition of its own:
     * one statement each, in parallel. The history rows are grouped by their partition (model, day)
     * into unlogged batches of up to {@link #HISTORY_BATCH_ROWS}: a single-partition batch is one
     * request and one mutation for many rows, which at hundreds of predictions a second halves the
     * node's requests. A batch Cassandra refuses as such falls back to one statement per row, so a
     * bad row fails only its own prediction. The day index is written the first time this writer
     * sees a (model, day). Every insert is idempotent, so a partial failure is repaired by retrying.
     */
    public List<CompletionStage<Void>> write(List<Prediction> predictions) {
        return write(predictions, Collections.nCopies(predictions.size(), null));
    }

    /**
     * {@link #write(List)}, each prediction with the input its model classified ({@code inputs}, in the same order; an
     * element may be null when it is not known), kept in the row by image.
     */
    public List<CompletionStage<Void>> write(List<Prediction> predictions, List<byte[]> inputs) {
        Map<String, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            byPartition.computeIfAbsent(historyPartition(p), key -> new ArrayList<>()).add(i);
        }
        CompletableFuture<?>[] history = new CompletableFuture<?>[predictions.size()];
        byPartition.forEach((partition, rows) -> {
            CompletableFuture<?> index = dayIndex(predictions.get(rows.get(0)));
            for (int from = 0; from < rows.size(); from += HISTORY_BATCH_ROWS) {
                List<Integer> chunk = rows.subList(from, Math.min(rows.size(), from + HISTORY_BATCH_ROWS));
                CompletableFuture<AsyncResultSet> batch = chunk.size() == 1
                        ? session.executeAsync(historyRow(predictions.get(chunk.get(0)))).toCompletableFuture()
                        : session.executeAsync(BatchStatement.newInstance(BatchType.UNLOGGED,
                                chunk.stream().map(i -> historyRow(predictions.get(i))).toArray(BoundStatement[]::new))
                                .setIdempotent(true)).toCompletableFuture();
                for (int i : chunk) {
                    Prediction p = predictions.get(i);
                    history[i] = CompletableFuture.allOf(index, batch.handle((written, error) -> error).thenCompose(error -> {
                        if (error == null) {
                            return CompletableFuture.completedFuture(null);
                        }
                        return chunk.size() > 1 && refusedAsSuch(error)
                                ? session.executeAsync(historyRow(p)).toCompletableFuture()
                                : CompletableFuture.failedFuture(error);
                    }));
                }
            }
        });
        List<CompletionStage<Void>> written = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            byte[] input = inputs.get(i);
            BoundStatement row = input == null
                    ? byImage.bind(p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(), p.trueLabel(), p.source(),
                            p.submittedAt(), p.classifiedAt())
                    : byImageWithInput.bind(p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(), p.trueLabel(),
                            p.source(), p.submittedAt(), p.classifiedAt(), ByteBuffer.wrap(input));
            CompletableFuture<AsyncResultSet> image = session.executeAsync(row.setIdempotent(true)).toCompletableFuture();
            written.add(CompletableFuture.allOf(image, history[i]));
        }
        return written;
    }

    private BoundStatement historyRow(Prediction p) {
        return byModelDay.bind(p.modelVersion(), dayOf(p), p.classifiedAt(), p.imageId(), p.label(), p.confidence(), p.trueLabel(),
                p.source(), p.submittedAt()).setIdempotent(true);
    }

    private CompletableFuture<?> dayIndex(Prediction p) {
        String dayKey = historyPartition(p);
        return knownDays.contains(dayKey)
                ? CompletableFuture.completedFuture(null)
                : session.executeAsync(modelDay.bind(p.modelVersion(), dayOf(p)).setIdempotent(true)).toCompletableFuture()
                        .thenRun(() -> knownDays.add(dayKey));
    }

    /** The history partition a prediction's row lands in, as a key: its model and its day. */
    private static String historyPartition(Prediction p) {
        return p.modelVersion() + "/" + dayOf(p);
    }

    /** Cassandra refuses the statement itself (too large, invalid): another form of it may pass; a timeout or an outage is not that. */
    private static boolean refusedAsSuch(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof QueryValidationException;
    }

    /** Records why an accepted image was refused; an upsert like every other write. */
    public CompletionStage<Void> write(ImageFailure f) {
        return session.executeAsync(failure.bind(f.imageId(), f.stage(), f.reason(), f.message(), f.source(), f.failedAt())
                .setIdempotent(true)).thenApply(rows -> null);
    }

    /**
     * Writes running counts, one unlogged batch per model (a model's tallies are one partition).
     * Each row's write time is its {@code countedTo}, so a tally that counted less never overwrites
     * one that counted more: a slow write of a sink that has since lost the partition, or a
     * replay, cannot take the counts back.
     */
    public CompletionStage<Void> write(Collection<PredictionTally> tallies) {
        Map<String, List<BoundStatement>> byModel = new LinkedHashMap<>();
        for (PredictionTally t : tallies) {
            byModel.computeIfAbsent(t.modelVersion(), model -> new ArrayList<>()).add(tally.bind(t.modelVersion(), t.partition(),
                    t.countedTo(), t.predictions(), t.labelled(), t.correct(), t.countedTo()).setIdempotent(true));
        }
        return CompletableFuture.allOf(byModel.values().stream()
                .map(rows -> session.executeAsync(rows.size() == 1 ? rows.get(0)
                        : BatchStatement.newInstance(BatchType.UNLOGGED, rows.toArray(BoundStatement[]::new)).setIdempotent(true))
                        .toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Records a shadow model's answer on an image, beside the active model's ({@code activeVersion} and {@code activeLabel},
     * null when unknown): one row, never an answer.
     */
    public CompletionStage<Void> writeShadow(Prediction p, String activeVersion, Integer activeLabel) {
        return session.executeAsync(shadowByImage.bind(p.imageId(), p.modelVersion(), p.label(), p.confidence(), activeVersion,
                activeLabel, p.classifiedAt()).setIdempotent(true)).thenApply(rows -> null);
    }

    /** Writes shadow models' running counts, as {@link #write(Collection)} writes the active ones': the furthest count wins. */
    public CompletionStage<Void> writeShadowTallies(Collection<ShadowTally> tallies) {
        return CompletableFuture.allOf(tallies.stream()
                .map(t -> session.executeAsync(shadowTally.bind(t.modelVersion(), t.partition(), t.countedTo(), t.predictions(),
                        t.agreed(), t.labelled(), t.correct(), t.countedTo()).setIdempotent(true)).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Records an image's label, written at {@code position} (the correction's offset on the corrections topic): a label
     * written from an earlier correction never overwrites a later one.
     */
    public CompletionStage<Void> write(ImageLabel label, long position) {
        return session.executeAsync(imageLabel.bind(label.imageId(), label.label(), label.source(), label.labelledAt(), label.votes(),
                        label.contested(), position)
                .setIdempotent(true)).thenApply(rows -> null);
    }

    /** Records a model's answer on a labelled image, written at the position of the correction it carries. */
    public CompletionStage<Void> write(ModelLabel label, long position) {
        return session.executeAsync(modelLabel.bind(label.modelVersion(), label.imageId(), label.label(), label.predicted(),
                label.labelledAt(), position).setIdempotent(true)).thenApply(rows -> null);
    }

    /** Records that every correction of {@code partition} before {@code appliedTo} has its rows; the furthest wins. */
    public CompletionStage<Void> correctionsApplied(int partition, long appliedTo) {
        return session.executeAsync(correctionProgress.bind(partition, appliedTo, appliedTo).setIdempotent(true)).thenApply(rows -> null);
    }

    /** The UTC day a prediction was made: its partition in predictions_by_model_day. */
    public static LocalDate dayOf(Prediction prediction) {
        return LocalDate.ofInstant(prediction.classifiedAt(), ZoneOffset.UTC);
    }
}
