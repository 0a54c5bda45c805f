package io.inkstream.contract.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.contract.topic.ImageIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorrectionJsonTest {
    private static final Instant AT = Instant.parse("2026-12-03T08:30:00.123Z");

    @Test
    void roundTrips() throws Exception {
        Correction correction = Correction.byPerson("img-1 é/ü", 7, AT, "3fa9c1e2b7d04a18");
        byte[] json = CorrectionJson.write(correction);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"schema\":1,\"imageId\":\"img-1 é/ü\",\"label\":7,"
                + "\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00.123Z\",\"labeller\":\"3fa9c1e2b7d04a18\"}");
        assertThat(CorrectionJson.read(json)).isEqualTo(correction);
    }

    @Test
    void aCorrectionThatNamesNoLabellerIsWrittenAndReadAsBeforeTheLabellerWasAdded() throws Exception {
        Correction unnamed = Correction.byPerson("img-1", 7, AT, null);
        String before = "{\"schema\":1,\"imageId\":\"img-1\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00.123Z\"}";
        assertThat(new String(CorrectionJson.write(unnamed), StandardCharsets.UTF_8)).isEqualTo(before);
        assertThat(CorrectionJson.read(before.getBytes(StandardCharsets.UTF_8))).isEqualTo(unnamed);
        assertThat(CorrectionJson.read(before.replace("}", ",\"reviewedBy\":\"later\"}").getBytes(StandardCharsets.UTF_8)))
                .as("a field of a later build").isEqualTo(unnamed);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"schema\":1,\"imageId\":\"a\",\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}", // no label: not 0
            "{\"schema\":1,\"imageId\":\"a\",\"label\":null,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":10,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":-1,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7.5,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":2,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"yesterday\"}",
            // A time Cassandra cannot store stopped the sink when it wrote the label's row.
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"+999999999-12-31T23:59:59Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"-000001-01-01T00:00:00Z\"}",
            // Required, each of them.
            "{\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"correctedAt\":\"2026-12-03T08:30:00Z\"}",
            // A labeller, when named, is a short word: training counts by it.
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\",\"labeller\":\"\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\",\"labeller\":\"a b\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\",\"labeller\":\"x\\n\"}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\",\"labeller\":{}}",
            "{\"schema\":1,\"imageId\":\"a\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\",\"labeller\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
            "null", "[]", "7", "{", "",
    })
    void refusesWhatIsNotACorrection(String json) {
        assertThatThrownBy(() -> CorrectionJson.read(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidCorrectionException.class);
    }

    @Test
    void refusesTombstonesAndOversizedValuesBeforeParsing() {
        assertThatThrownBy(() -> CorrectionJson.read(null)).isInstanceOf(InvalidCorrectionException.class).hasMessageContaining("tombstone");
        String id = "x".repeat(CorrectionJson.MAX_BYTES);
        byte[] big = ("{\"schema\":1,\"imageId\":\"" + id + "\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CorrectionJson.read(big)).isInstanceOf(InvalidCorrectionException.class).hasMessageContaining("bytes");
        byte[] longId = ("{\"schema\":1,\"imageId\":\"" + "x".repeat(ImageIds.MAX_LENGTH + 1)
                + "\",\"label\":7,\"source\":\"person\",\"correctedAt\":\"2026-12-03T08:30:00Z\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CorrectionJson.read(longId)).isInstanceOf(InvalidCorrectionException.class).hasMessageContaining("imageId");
    }
}
