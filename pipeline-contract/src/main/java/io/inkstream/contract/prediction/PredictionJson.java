package io.inkstream.contract.prediction;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.ImageIds;
import io.inkstream.contract.topic.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Prediction JSON, and the Kafka serde for it. Parsing refuses unknown schema versions. */
public final class PredictionJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Eleven floats per prediction: the JDK's float formatting was the classifier's hottest
            // JSON frame (FloatingDecimal.dtoa); Jackson's own writer and parser give the same values.
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private PredictionJson() {
    }

    /**
     * The prediction as JSON, field by field with Jackson's streaming generator: the same bytes data binding
     * writes (the test holds them equal), at a fraction of the cost; binding the record was a quarter of the
     * classifier's stream thread under a backlog ({@code bench classifier}, JFR). Null fields are left out.
     */
    public static byte[] write(Prediction prediction) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schema", prediction.schema());
            writeIfPresent(json, "imageId", prediction.imageId());
            writeIfPresent(json, "modelVersion", prediction.modelVersion());
            json.writeNumberField("label", prediction.label());
            json.writeNumberField("confidence", prediction.confidence());
            if (prediction.probabilities() != null) {
                json.writeArrayFieldStart("probabilities");
                for (Float probability : prediction.probabilities()) {
                    json.writeNumber(probability);
                }
                json.writeEndArray();
            }
            if (prediction.trueLabel() != null) {
                json.writeNumberField("trueLabel", prediction.trueLabel());
            }
            writeIfPresent(json, "source", prediction.source());
            writeIfPresent(json, "submittedAt", prediction.submittedAt());
            writeIfPresent(json, "classifiedAt", prediction.classifiedAt());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a prediction could not be written as JSON", e);
        }
        return out.toByteArray();
    }

    private static void writeIfPresent(JsonGenerator json, String field, Object value) throws IOException {
        if (value != null) {
            // Instant.toString() is ISO-8601 in UTC (DateTimeFormatter.ISO_INSTANT), what the JavaTimeModule writes.
            json.writeStringField(field, value.toString());
        }
    }

    /** @throws InvalidPredictionException when the bytes are not a prediction this build understands */
    public static Prediction read(byte[] json) throws InvalidPredictionException {
        if (json == null) {
            throw new InvalidPredictionException("no value");
        }
        Prediction prediction;
        try {
            prediction = JSON.readValue(json, Prediction.class);
        } catch (IOException e) {
            throw new InvalidPredictionException("not prediction JSON: " + e.getMessage());
        }
        if (prediction == null) {
            // Found by PredictionJsonFuzzTest: the JSON value null parses to no object at all.
            throw new InvalidPredictionException("the value is JSON null, not a prediction");
        }
        if (prediction.schema() != Prediction.SCHEMA) {
            throw new InvalidPredictionException("unknown schema version " + prediction.schema() + "; this build reads " + Prediction.SCHEMA);
        }
        if (prediction.imageId() == null || prediction.modelVersion() == null || prediction.label() < 0 || prediction.label() > 9
                || prediction.classifiedAt() == null) {
            throw new InvalidPredictionException("incomplete prediction: imageId, modelVersion, a label 0-9 and classifiedAt are required");
        }
        Optional<String> idProblem = ImageIds.problem(prediction.imageId());
        if (idProblem.isPresent()) {
            throw new InvalidPredictionException("the imageId " + idProblem.get());
        }
        if (!ModelRoles.isVersion(prediction.modelVersion())) {
            // The version names a meter, a Cassandra partition and a row of GET /api/models: only what a model can be called.
            throw new InvalidPredictionException("the modelVersion is not a model version (1-" + ModelRoles.MAX_VERSION_LENGTH
                    + " letters, digits, '.', '_', '-')");
        }
        if (prediction.trueLabel() != null && (prediction.trueLabel() < 0 || prediction.trueLabel() > 9)) {
            throw new InvalidPredictionException("the trueLabel " + prediction.trueLabel() + " is not a digit 0-9");
        }
        if (prediction.probabilities() != null && prediction.probabilities().size() != Prediction.DIGITS) {
            throw new InvalidPredictionException(prediction.probabilities().size() + " probabilities; a prediction has one per digit, "
                    + Prediction.DIGITS);
        }
        if (!Timestamps.storable(prediction.classifiedAt())) {
            throw new InvalidPredictionException(Timestamps.outOfRange("classifiedAt", prediction.classifiedAt()));
        }
        if (prediction.submittedAt() != null && !Timestamps.storable(prediction.submittedAt())) {
            throw new InvalidPredictionException(Timestamps.outOfRange("submittedAt", prediction.submittedAt()));
        }
        return prediction;
    }
}
