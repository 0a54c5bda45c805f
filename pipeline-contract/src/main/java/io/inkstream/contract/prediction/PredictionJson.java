package io.inkstream.contract.prediction;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    public static byte[] write(Prediction prediction) {
        try {
            return JSON.writeValueAsBytes(prediction);
        } catch (IOException e) {
            throw new UncheckedIOException("a prediction could not be written as JSON", e);
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
        return prediction;
    }
}
