package io.inkstream.contract.prediction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionJsonTest {

    @Test
    void aPredictionWritesAndReadsBackEqual() throws Exception {
        Prediction prediction = new Prediction(Prediction.SCHEMA, "img-1", "seed-9c9dd5090bda", 7, 0.98f,
                List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.98f, 0.01f, 0.01f), 7, "gateway", Instant.parse("2026-11-25T10:00:00Z"),
                Instant.parse("2026-11-25T10:00:00.050Z"));
        assertThat(PredictionJson.read(PredictionJson.write(prediction))).isEqualTo(prediction);
    }

    /** Found by PredictionJsonFuzzTest: the value {@code null} made read() throw a NullPointerException, which would stop the sink. */
    @Test
    void refusesTheJsonValueNullAsAnInvalidPrediction() {
        assertThatThrownBy(() -> PredictionJson.read("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPredictionException.class)
                .hasMessageContaining("null");
    }

    @Test
    void refusesAPredictionWithoutItsRequiredFields() {
        assertThatThrownBy(() -> PredictionJson.read("{\"schema\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPredictionException.class);
        assertThatThrownBy(() -> PredictionJson.read(new byte[0])).isInstanceOf(InvalidPredictionException.class);
    }
}
