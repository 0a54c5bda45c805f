package io.inkstream.contract.prediction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PredictionJsonTest {

    @Test
    void aPredictionWritesAndReadsBackEqual() throws Exception {
        Prediction prediction = new Prediction(Prediction.SCHEMA, "img-1", "seed-9c9dd5090bda", 7, 0.98f,
                List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.98f, 0.01f, 0.01f), 7, "gateway", Instant.parse("2026-11-25T10:00:00Z"),
                Instant.parse("2026-11-25T10:00:00.050Z"));
        assertThat(PredictionJson.read(PredictionJson.write(prediction))).isEqualTo(prediction);
    }

    /**
     * The streaming writer must write what data binding wrote before it, byte for byte: the same fields, order,
     * float formatting, escaping and left-out nulls, so that nothing reading the topic can tell the two apart.
     */
    @Test
    void writesTheSameBytesAsDataBinding() throws Exception {
        ObjectMapper binding = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build();
        Random random = new Random(13);
        String[] texts = {null, "", "img-1", "quote\" and \\ back", "tab\t\u0001\u001f", "ünïcødé \uD83D\uDE00", "٣", "</script>"};
        float[] odd = {0f, -0f, 1f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-7f, 0.1f, 1f / 3, Float.NaN, Float.POSITIVE_INFINITY};
        for (int i = 0; i < 2_000; i++) {
            List<Float> probabilities = null;
            if (i % 7 != 0) {
                probabilities = new java.util.ArrayList<>();
                for (int digit = 0; digit < 10; digit++) {
                    probabilities.add(i % 3 == 0 ? odd[random.nextInt(odd.length)] : random.nextFloat());
                }
            }
            Instant submitted = i % 5 == 0 ? null : Instant.ofEpochSecond(random.nextInt(2_000_000_000), i % 2 == 0 ? 0 : random.nextInt(1_000_000_000));
            Instant classified = i % 11 == 0 ? null : Instant.ofEpochMilli(Math.abs(random.nextLong() % 4_000_000_000_000L));
            Prediction prediction = new Prediction(random.nextInt(3), texts[random.nextInt(texts.length)], texts[random.nextInt(texts.length)],
                    random.nextInt(12) - 1, i % 3 == 0 ? odd[random.nextInt(odd.length)] : random.nextFloat(), probabilities,
                    i % 2 == 0 ? null : random.nextInt(10), texts[random.nextInt(texts.length)], submitted, classified);
            assertThat(new String(PredictionJson.write(prediction), StandardCharsets.UTF_8))
                    .as("prediction %d", i)
                    .isEqualTo(new String(binding.writeValueAsBytes(prediction), StandardCharsets.UTF_8));
        }
    }

    /** Found by PredictionJsonFuzzTest: the value {@code null} made read() throw a NullPointerException, which would stop the sink. */
    @Test
    void refusesTheJsonValueNullAsAnInvalidPrediction() {
        assertThatThrownBy(() -> PredictionJson.read("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPredictionException.class)
                .hasMessageContaining("null");
    }

    /** Cassandra's timestamp is milliseconds in a long: the driver threw on binding such a time, and the sink's loop stopped for good. */
    @Test
    void refusesATimeOutsideTheYears1To9999() throws Exception {
        Prediction valid = new Prediction(Prediction.SCHEMA, "img-1", "seed-9c9dd5090bda", 7, 0.98f, null, null, null,
                Instant.parse("2026-11-25T10:00:00Z"), Instant.parse("2026-11-25T10:00:00.050Z"));
        String json = new String(PredictionJson.write(valid), StandardCharsets.UTF_8);
        for (String edited : List.of(json.replace("2026-11-25T10:00:00Z", "+999999999-12-31T23:59:59Z"),
                json.replace("2026-11-25T10:00:00.050Z", "-999999999-01-01T00:00:00Z"),
                json.replace("2026-11-25T10:00:00.050Z", "+10000-01-01T00:00:00Z"))) {
            assertThatThrownBy(() -> PredictionJson.read(edited.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(InvalidPredictionException.class).hasMessageContaining("is not between the years 1 and 9999");
        }
        assertThat(PredictionJson.read(json.replace("2026-11-25T10:00:00Z", "9999-12-31T23:59:59.999Z")
                .getBytes(StandardCharsets.UTF_8)).submittedAt()).isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
    }

    /**
     * A prediction names a model, an image and a digit that become a meter's tag, Cassandra partitions and rows of the
     * gateway's answers: each is held to the rule it has everywhere else, so what any producer on the topic writes is
     * dead-lettered rather than stored (a version 60,000 characters long, or a line break in it, was written as it came).
     */
    @Test
    void refusesAModelVersionImageIdTrueLabelOrProbabilitiesNoModelCouldHaveWritten() throws Exception {
        String json = new String(PredictionJson.write(new Prediction(Prediction.SCHEMA, "img-1", "seed-9c9dd5090bda", 7, 0.98f,
                List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.98f, 0.01f, 0.01f), 7, "gateway", null, Instant.parse("2026-11-25T10:00:00Z"))),
                StandardCharsets.UTF_8);
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(json.replace("seed-9c9dd5090bda", "seed\\nforged"), "the modelVersion is not a model version");
        refused.put(json.replace("seed-9c9dd5090bda", "v3 3e4d1ee016f4"), "the modelVersion is not a model version");
        refused.put(json.replace("seed-9c9dd5090bda", "m".repeat(129)), "the modelVersion is not a model version");
        refused.put(json.replace("seed-9c9dd5090bda", ""), "the modelVersion is not a model version");
        refused.put(json.replace("\"img-1\"", "\"\""), "the imageId is empty");
        refused.put(json.replace("img-1", "i".repeat(257)), "the imageId has 257 characters");
        refused.put(json.replace("\"trueLabel\":7", "\"trueLabel\":12"), "the trueLabel 12 is not a digit 0-9");
        refused.put(json.replace("\"trueLabel\":7", "\"trueLabel\":-1"), "the trueLabel -1 is not a digit 0-9");
        refused.put(json.replace("0.98,0.01,0.01]", "0.98,0.01]"), "9 probabilities; a prediction has one per digit, 10");
        refused.put(json.replace("0.98,0.01,0.01]", "0.98,0.01,0.01,0.0]"), "11 probabilities");
        refused.forEach((edited, reason) -> assertThatThrownBy(() -> PredictionJson.read(edited.getBytes(StandardCharsets.UTF_8)))
                .as(edited).isInstanceOf(InvalidPredictionException.class).hasMessageContaining(reason));

        assertThat(PredictionJson.read(json.replace("seed-9c9dd5090bda", "m".repeat(128)).replace("img-1", "i".repeat(256))
                .getBytes(StandardCharsets.UTF_8)).modelVersion()).hasSize(128);
    }

    @Test
    void refusesAPredictionWithoutItsRequiredFields() {
        assertThatThrownBy(() -> PredictionJson.read("{\"schema\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPredictionException.class);
        assertThatThrownBy(() -> PredictionJson.read(new byte[0])).isInstanceOf(InvalidPredictionException.class);
    }
}
