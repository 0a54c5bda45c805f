package io.inkstream.contract.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** One rule for a true digit, read by the gateway from people and by the classifier from producers' headers. */
class HeadersTest {
    @Test
    void aLabelIsOneAsciiDigit() {
        for (int digit = 0; digit <= 9; digit++) {
            assertThat(Headers.label(Integer.toString(digit))).isEqualTo(OptionalInt.of(digit));
        }
        assertThat(Headers.label(" 7\n")).isEqualTo(OptionalInt.of(7));
    }

    @Test
    void nothingElseIs() {
        // Character.isDigit accepts each of the last four; '\u0663' - '0' was once taken as label 1587.
        for (String text : new String[] {"", " ", "10", "-1", "07", "7.0", "a", "\u0663", "\uFF17", "\u0967", "\uD835\uDFD5"}) {
            assertThat(Headers.label(text)).as("\"%s\"", text).isEmpty();
        }
    }

    @Test
    void aModelInputIsEachValueScaledTo255RoundedAndClamped() {
        float[] pixels = new float[Headers.MODEL_INPUT_BYTES];
        for (int value = 0; value < 256; value++) {
            pixels[value] = value / 255f; // what a raw MNIST byte becomes: it comes back as it was
        }
        pixels[256] = Float.NaN;
        pixels[257] = -0.5f;
        pixels[258] = 7f;
        pixels[259] = Float.POSITIVE_INFINITY;
        pixels[260] = 0.5f / 255f; // a half rounds up
        pixels[261] = 0.49f / 255f;
        byte[] bytes = Headers.modelInput(pixels);
        for (int value = 0; value < 256; value++) {
            assertThat(bytes[value] & 0xff).isEqualTo(value);
        }
        assertThat(new int[] {bytes[256], bytes[257], bytes[258] & 0xff, bytes[259] & 0xff, bytes[260], bytes[261]})
                .containsExactly(0, 0, 255, 255, 1, 0);
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        bytes = Headers.modelInput(pixels);
        for (int i = 0; i < pixels.length; i++) {
            assertThat(bytes[i] & 0xff).as("pixel %d = %s", i, pixels[i]).isEqualTo(Math.round(pixels[i] * 255f));
        }
    }

    @Test
    void aShadowPredictionsHeadersRoundTripAndAnythingElseIsNone() {
        RecordHeaders shadow = Headers.shadow("v3-3e4d1ee016f4", 7);
        assertThat(Headers.activeModel(shadow)).contains("v3-3e4d1ee016f4");
        assertThat(Headers.activeLabel(shadow)).contains(7);

        RecordHeaders forged = new RecordHeaders();
        forged.add(Headers.ACTIVE_MODEL, new byte[1 << 20]); // a megabyte where a version goes
        forged.add(Headers.ACTIVE_LABEL, "12".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Headers.activeModel(forged)).isEmpty();
        assertThat(Headers.activeLabel(forged)).isEmpty();
        forged.add(Headers.ACTIVE_MODEL, "v3 ; drop".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Headers.activeModel(forged)).isEmpty();
        assertThat(Headers.activeModel(new RecordHeaders())).isEmpty();
    }

    @Test
    void aDeadLetterKeepsTheOriginalHeadersAndSaysWhereAndWhyWithinBounds() {
        RecordHeaders original = new RecordHeaders();
        original.add(Headers.LABEL, Headers.utf8("7"));
        Instant failedAt = Instant.parse("2026-12-02T15:00:00Z");

        RecordHeaders letter = Headers.deadLetter(original, "write", "InvalidQueryException", "x".repeat(5000), failedAt);
        assertThat(Headers.text(letter, Headers.LABEL)).contains("7");
        assertThat(Headers.text(letter, Headers.ERROR_STAGE)).contains("write");
        assertThat(Headers.text(letter, Headers.ERROR_CLASS)).contains("InvalidQueryException");
        assertThat(Headers.text(letter, Headers.ERROR_MESSAGE)).hasValueSatisfying(m -> assertThat(m).hasSize(Headers.MAX_ERROR_MESSAGE_CHARS));
        assertThat(Headers.text(letter, Headers.FAILED_AT)).contains("2026-12-02T15:00:00Z");
        assertThat(original.toArray()).as("the original record's headers are not touched").hasSize(1);

        assertThat(Headers.text(Headers.deadLetter(original, "parse", "x", null, failedAt), Headers.ERROR_MESSAGE)).contains("");
    }

    @Test
    void anImagesHeadersSayWhatItIsWhoSentItWhenAndWhatPeopleSaidAboutIt() {
        Instant submittedAt = Instant.parse("2026-12-02T15:40:00.123Z");
        RecordHeaders full = Headers.image("image/png", "gateway", submittedAt, Optional.of("seven.png"), OptionalInt.of(7));
        assertThat(Headers.text(full, Headers.CONTENT_TYPE)).contains("image/png");
        assertThat(Headers.text(full, Headers.SOURCE)).contains("gateway");
        assertThat(Headers.text(full, Headers.SUBMITTED_AT).map(Instant::parse)).contains(submittedAt);
        assertThat(Headers.text(full, Headers.FILENAME)).contains("seven.png");
        assertThat(Headers.text(full, Headers.LABEL).map(Headers::label)).contains(OptionalInt.of(7));

        RecordHeaders bare = Headers.image("application/x-mnist", "producer", submittedAt, Optional.empty(), OptionalInt.empty());
        assertThat(bare.lastHeader(Headers.FILENAME)).isNull();
        assertThat(bare.lastHeader(Headers.LABEL)).isNull();
    }
}
