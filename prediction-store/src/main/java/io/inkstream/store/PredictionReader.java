package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * What the gateway asks Cassandra: every model's prediction of one image and its label, a model's recent
 * predictions page by page, the models and their live accuracy (running counts, and on people's labels). Thread-safe.
 */
public final class PredictionReader {
    private final CqlSession session;
    private final PreparedStatement forImage;
    private final PreparedStatement daysOfModel;
    private final PreparedStatement ofModelDay;
    private final PreparedStatement models;
    private final PreparedStatement failure;
    private final PreparedStatement tallies;
    private final PreparedStatement tally;
    private final PreparedStatement imageLabel;
    private final PreparedStatement modelInput;
    private final PreparedStatement modelLabels;
    private final PreparedStatement correctionProgress;
    private final PreparedStatement shadowTallies;
    private final PreparedStatement shadowTally;
    private final PreparedStatement shadowForImage;

    public PredictionReader(CqlSession session) {
        this.session = session;
        String ks = PredictionSchema.KEYSPACE;
        // Whether a model input is kept, not its 784 bytes: a status read (the page polls 100 images at once) needs only that.
        this.forImage = session.prepare("SELECT image_id, model_version, label, confidence, probabilities, class_probabilities, true_label,"
                + " source, submitted_at, classified_at, WRITETIME(model_input) AS input_written FROM " + ks
                + ".predictions_by_image WHERE image_id = ?");
        this.daysOfModel = session.prepare("SELECT day FROM " + ks + ".prediction_days_by_model WHERE model_version = ?");
        this.ofModelDay = session.prepare("SELECT * FROM " + ks + ".predictions_by_model_day WHERE model_version = ? AND day = ?");
        this.models = session.prepare("SELECT DISTINCT model_version FROM " + ks + ".prediction_days_by_model");
        this.failure = session.prepare("SELECT * FROM " + ks + ".image_failures WHERE image_id = ?");
        this.tallies = session.prepare("SELECT * FROM " + ks + ".prediction_tallies WHERE model_version = ?");
        this.tally = session.prepare("SELECT * FROM " + ks + ".prediction_tallies WHERE model_version = ? AND topic_partition = ?");
        this.imageLabel = session.prepare("SELECT * FROM " + ks + ".image_labels WHERE image_id = ?");
        this.modelInput = session.prepare("SELECT model_input FROM " + ks + ".predictions_by_image WHERE image_id = ? AND model_version = ?");
        this.modelLabels = session.prepare("SELECT * FROM " + ks + ".labels_by_model WHERE model_version = ?");
        this.correctionProgress = session.prepare("SELECT * FROM " + ks + ".correction_progress");
        this.shadowTallies = session.prepare("SELECT * FROM " + ks + ".shadow_tallies WHERE model_version = ?");
        this.shadowTally = session.prepare("SELECT * FROM " + ks + ".shadow_tallies WHERE model_version = ? AND topic_partition = ?");
        this.shadowForImage = session.prepare("SELECT model_version, label FROM " + ks + ".shadow_predictions_by_image WHERE image_id = ?");
    }

    public List<StoredPrediction> forImage(String imageId) {
        List<StoredPrediction> predictions = new ArrayList<>();
        for (Row row : session.execute(forImage.bind(imageId))) {
            predictions.add(new StoredPrediction(row.getString("image_id"), row.getString("model_version"), row.getInt("label"),
                    row.getFloat("confidence"), probabilities(row), nullableInt(row, "true_label"),
                    row.getString("source"), row.getInstant("submitted_at"), row.getInstant("classified_at"), !row.isNull("input_written")));
        }
        return predictions;
    }

    /** Why the pipeline refused this image, if it did. */
    public Optional<ImageFailure> failure(String imageId) {
        Row row = session.execute(failure.bind(imageId)).one();
        return row == null ? Optional.empty() : Optional.of(new ImageFailure(row.getString("image_id"), row.getString("stage"),
                row.getString("reason"), row.getString("message"), row.getString("source"), row.getInstant("failed_at")));
    }

    /** The 28 x 28 input (784 bytes, 0-255 ink) a model classified for this image, if its prediction kept one. */
    public Optional<byte[]> modelInput(String imageId, String modelVersion) {
        Row row = session.execute(modelInput.bind(imageId, modelVersion)).one();
        if (row == null || row.isNull("model_input")) {
            return Optional.empty();
        }
        ByteBuffer buffer = row.getByteBuffer("model_input");
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return Optional.of(bytes);
    }

    /** The image's true digit as a person gave it, if anyone did. */
    public Optional<ImageLabel> label(String imageId) {
        Row row = session.execute(imageLabel.bind(imageId)).one();
        return row == null ? Optional.empty() : Optional.of(new ImageLabel(row.getString("image_id"), row.getInt("label"),
                row.getString("source"), row.getInstant("labelled_at"), row.getMap("votes", Integer.class, Integer.class),
                !row.isNull("contested") && row.getBoolean("contested")));
    }

    /**
     * How a model did on the images people labelled, with its {@code mistakes} latest mistakes: one pass over the model's
     * partition of {@code labels_by_model}, which holds a row per labelled image the model classified. Its cost grows with
     * people's corrections (one row each), never with the predictions.
     */
    public PeopleAccuracy peopleAccuracy(String modelVersion, int mistakes) {
        long labelled = 0;
        long correct = 0;
        PriorityQueue<ModelLabel> latest = new PriorityQueue<>(Comparator.comparing(ModelLabel::labelledAt));
        for (Row row : session.execute(modelLabels.bind(modelVersion).setPageSize(5000))) {
            ModelLabel label = new ModelLabel(row.getString("model_version"), row.getString("image_id"), row.getInt("label"),
                    row.getInt("predicted"), row.getInstant("labelled_at"));
            labelled++;
            if (label.correct()) {
                correct++;
            } else if (mistakes > 0) {
                latest.add(label);
                if (latest.size() > mistakes) {
                    latest.poll();
                }
            }
        }
        List<ModelLabel> recent = new ArrayList<>(latest);
        recent.sort(Comparator.comparing(ModelLabel::labelledAt).reversed());
        return new PeopleAccuracy(modelVersion, labelled, correct, recent);
    }

    /** How far the corrections topic's rows are written, per partition: every record before the offset has its rows. */
    public Map<Integer, Long> correctionProgress() {
        Map<Integer, Long> progress = new HashMap<>();
        session.execute(correctionProgress.bind()).forEach(row -> progress.put(row.getInt("topic_partition"), row.getLong("applied_to")));
        return progress;
    }

    /**
     * A page of a model's predictions, newest first, across days. The cursor (opaque to callers)
     * names the day and the driver's <em>safe</em> paging state within it: that carries a hash of
     * the query and its values, so a cursor edited by a client, or made for another model, is refused
     * here ({@link IllegalArgumentException}) instead of being handed to Cassandra as its paging state.
     */
    public PredictionPage recent(String modelVersion, int limit, Optional<String> cursor) {
        List<LocalDate> days = new ArrayList<>();
        session.execute(daysOfModel.bind(modelVersion)).forEach(row -> days.add(row.getLocalDate("day")));
        Cursor position = cursor.map(Cursor::decode).orElse(null);
        List<StoredPrediction> page = new ArrayList<>();
        for (LocalDate day : days) {
            if (position != null && day.isAfter(position.day())) {
                continue;
            }
            BoundStatement statement = ofModelDay.bind(modelVersion, day).setPageSize(limit - page.size());
            if (position != null && day.equals(position.day()) && position.pagingState() != null) {
                if (!position.pagingState().matches(statement)) {
                    throw new IllegalArgumentException("the cursor was not made by this query (another model, or edited)");
                }
                statement = statement.setPagingState(position.pagingState());
            }
            ResultSet rows;
            try {
                rows = session.execute(statement);
            } catch (InvalidQueryException | ProtocolError e) {
                // The client's paging state, which Cassandra checks: a bad one is the client's error, not the store's.
                throw new IllegalArgumentException("Cassandra refused the cursor's paging state: " + e.getMessage(), e);
            }
            int available = rows.getAvailableWithoutFetching();
            for (int i = 0; i < available && page.size() < limit; i++) {
                page.add(historyRow(rows.one()));
            }
            PagingState next = rows.getExecutionInfo().getSafePagingState();
            if (page.size() >= limit) {
                if (next != null) {
                    return new PredictionPage(page, Optional.of(new Cursor(day, next).encode()));
                }
                int index = days.indexOf(day);
                return new PredictionPage(page, index + 1 < days.size()
                        ? Optional.of(new Cursor(days.get(index + 1), null).encode()) : Optional.empty());
            }
            position = null;
        }
        return new PredictionPage(page, Optional.empty());
    }

    /** Every model that has classified something. */
    public List<String> models() {
        List<String> versions = new ArrayList<>();
        session.execute(models.bind()).forEach(row -> versions.add(row.getString("model_version")));
        return versions;
    }

    /**
     * Live accuracy of a model: the sum of its running counts, one per partition of the predictions
     * topic (see {@link PredictionTally}). One small partition, whatever the length of the history.
     */
    public ModelAccuracy accuracy(String modelVersion) {
        long predictions = 0;
        long labelled = 0;
        long correct = 0;
        for (Row row : session.execute(tallies.bind(modelVersion))) {
            PredictionTally t = tally(row);
            predictions += t.predictions();
            labelled += t.labelled();
            correct += t.correct();
        }
        return new ModelAccuracy(modelVersion, predictions, labelled, correct);
    }

    /** A model's running counts over one partition of the predictions topic, empty before its first. */
    public PredictionTally tally(String modelVersion, int partition) {
        Row row = session.execute(tally.bind(modelVersion, partition)).one();
        return row == null ? PredictionTally.empty(modelVersion, partition) : tally(row);
    }

    /** A shadow model's live record: the sum of its running counts, one small partition (see {@link ShadowTally}). */
    public ShadowAccuracy shadowAccuracy(String modelVersion) {
        long predictions = 0;
        long agreed = 0;
        long labelled = 0;
        long correct = 0;
        for (Row row : session.execute(shadowTallies.bind(modelVersion))) {
            ShadowTally t = shadowTally(row);
            predictions += t.predictions();
            agreed += t.agreed();
            labelled += t.labelled();
            correct += t.correct();
        }
        return new ShadowAccuracy(modelVersion, predictions, agreed, labelled, correct);
    }

    /** A shadow model's running counts over one partition of the shadow predictions topic, empty before its first. */
    public ShadowTally shadowTally(String modelVersion, int partition) {
        Row row = session.execute(shadowTally.bind(modelVersion, partition)).one();
        return row == null ? ShadowTally.empty(modelVersion, partition) : shadowTally(row);
    }

    /** What each shadow model that classified an image answered: model version to digit. */
    public Map<String, Integer> shadowAnswers(String imageId) {
        Map<String, Integer> answers = new TreeMap<>();
        for (Row row : session.execute(shadowForImage.bind(imageId))) {
            answers.put(row.getString("model_version"), row.getInt("label"));
        }
        return answers;
    }

    private static ShadowTally shadowTally(Row row) {
        return new ShadowTally(row.getString("model_version"), row.getInt("topic_partition"), row.getLong("counted_to"),
                row.getLong("predictions"), row.getLong("agreed"), row.getLong("labelled"), row.getLong("correct"));
    }

    /**
     * Counts a model's history rows, one pass over all of them: for audits and tests that check the
     * running counts against the rows, never for a request.
     */
    public ModelAccuracy countHistory(String modelVersion) {
        long predictions = 0;
        long labelled = 0;
        long correct = 0;
        for (Row dayRow : session.execute(daysOfModel.bind(modelVersion))) {
            for (Row row : session.execute(ofModelDay.bind(modelVersion, dayRow.getLocalDate("day")).setPageSize(5000))) {
                predictions++;
                Integer truth = nullableInt(row, "true_label");
                if (truth != null) {
                    labelled++;
                    if (truth == row.getInt("label")) {
                        correct++;
                    }
                }
            }
        }
        return new ModelAccuracy(modelVersion, predictions, labelled, correct);
    }

    private static PredictionTally tally(Row row) {
        return new PredictionTally(row.getString("model_version"), row.getInt("topic_partition"), row.getLong("counted_to"),
                row.getLong("predictions"), row.getLong("labelled"), row.getLong("correct"));
    }

    private static StoredPrediction historyRow(Row row) {
        return new StoredPrediction(row.getString("image_id"), row.getString("model_version"), row.getInt("label"),
                row.getFloat("confidence"), List.of(), nullableInt(row, "true_label"), row.getString("source"),
                row.getInstant("submitted_at"), row.getInstant("classified_at"), false);
    }

    /** Schema 3 writes one frozen cell; a row written before keeps its list. */
    private static List<Float> probabilities(Row row) {
        return row.isNull("class_probabilities") ? row.getList("probabilities", Float.class) : row.getList("class_probabilities", Float.class);
    }

    private static Integer nullableInt(Row row, String column) {
        return row.isNull(column) ? null : row.getInt(column);
    }

    /** A page's position: a day, and the driver's safe paging state within it (hexadecimal, with its hash). */
    record Cursor(LocalDate day, PagingState pagingState) {
        /** Longer than any paging state of this query: a longer cursor is refused before it is parsed. */
        static final int MAX_LENGTH = 4096;

        String encode() {
            return day + "." + (pagingState == null ? "" : pagingState.toString());
        }

        static Cursor decode(String text) {
            if (text.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("not a page cursor: " + text.length() + " characters");
            }
            // The reasons name the part that is wrong, not the parser's words (an index out of range said nothing to a client).
            int dot = text.indexOf('.');
            LocalDate day;
            try {
                day = LocalDate.parse(text.substring(0, Math.max(dot, 0)));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a page cursor: it does not begin with a day and a '.'", e);
            }
            String state = text.substring(dot + 1);
            try {
                return new Cursor(day, state.isEmpty() ? null : PagingState.fromString(state));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a page cursor: its paging state was not made by this service", e);
            }
        }
    }
}
