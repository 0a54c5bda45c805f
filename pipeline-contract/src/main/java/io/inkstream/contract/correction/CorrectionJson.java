package io.inkstream.contract.correction;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inkstream.contract.topic.ImageIds;
import io.inkstream.contract.topic.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Correction JSON. Anyone who may write the corrections topic can put any bytes there, so reading is bounded: at most
 * {@link #MAX_BYTES} bytes, shallow nesting, and every field checked.
 */
public final class CorrectionJson {
    /** A correction is about a hundred bytes plus its image id (at most 256 characters, up to 4 bytes each). */
    public static final int MAX_BYTES = 2048;
    private static final Pattern LABELLER = Pattern.compile("[A-Za-z0-9._:-]{1," + Correction.MAX_SOURCE_LENGTH + "}");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Every field but the labeller is required (Correction says which), and a label is a whole number: a missing one is
            // not 0, "7.5" is not 7.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(MAX_BYTES).build());
    }

    private CorrectionJson() {
    }

    public static byte[] write(Correction correction) {
        try {
            return JSON.writeValueAsBytes(correction);
        } catch (IOException e) {
            throw new UncheckedIOException("a correction could not be written as JSON", e);
        }
    }

    /** @throws InvalidCorrectionException when the bytes are not a correction this build understands */
    public static Correction read(byte[] json) throws InvalidCorrectionException {
        if (json == null) {
            throw new InvalidCorrectionException("no value (a tombstone)");
        }
        if (json.length > MAX_BYTES) {
            throw new InvalidCorrectionException(json.length + " bytes; a correction has at most " + MAX_BYTES);
        }
        Correction correction;
        try {
            correction = JSON.readValue(json, Correction.class);
        } catch (IOException e) {
            throw new InvalidCorrectionException("not correction JSON: " + e.getMessage());
        }
        if (correction == null) {
            throw new InvalidCorrectionException("the value is JSON null, not a correction");
        }
        if (correction.schema() != Correction.SCHEMA) {
            throw new InvalidCorrectionException("unknown schema version " + correction.schema() + "; this build reads " + Correction.SCHEMA);
        }
        Optional<String> invalidId = ImageIds.problem(correction.imageId());
        if (invalidId.isPresent()) {
            throw new InvalidCorrectionException("imageId " + invalidId.get());
        }
        if (correction.label() < 0 || correction.label() > 9) {
            throw new InvalidCorrectionException("label " + correction.label() + " is not a digit 0-9");
        }
        if (correction.source() == null || correction.source().isEmpty() || correction.source().length() > Correction.MAX_SOURCE_LENGTH) {
            throw new InvalidCorrectionException("source must have 1 to " + Correction.MAX_SOURCE_LENGTH + " characters");
        }
        if (correction.labeller() != null && !LABELLER.matcher(correction.labeller()).matches()) {
            throw new InvalidCorrectionException("labeller must have 1 to " + Correction.MAX_SOURCE_LENGTH
                    + " characters of letters, digits, '.', '_', ':' and '-'");
        }
        if (correction.correctedAt() == null) {
            throw new InvalidCorrectionException("correctedAt is required");
        }
        if (!Timestamps.storable(correction.correctedAt())) {
            throw new InvalidCorrectionException(Timestamps.outOfRange("correctedAt", correction.correctedAt()));
        }
        return correction;
    }
}
