package io.inkstream.contract.topic;

import io.inkstream.contract.role.ModelRoles;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Header names on the images topic, its dead-letter topic and the predictions topics. All are optional for producers. */
public final class Headers {
    public static final String CONTENT_TYPE = "content-type";
    /** Who sent the image: {@code gateway}, {@code producer}, a client name. */
    public static final String SOURCE = "source";
    /** ISO-8601 instant the image was submitted. */
    public static final String SUBMITTED_AT = "submitted-at";
    public static final String FILENAME = "filename";
    /** The true digit, when known: powers live accuracy and model comparison. */
    public static final String LABEL = "label";

    /**
     * On an empty record, keyed by an image id, in a transaction that is always aborted: where a gateway's search of the
     * topic for a taken-over Idempotency-Key's images ends. Readers that read committed, as the classifier does and every
     * reader of the topic should, never see one.
     */
    public static final String SEARCH_MARK = "search-mark";

    /** Dead letters: where it failed ({@code preprocess}, {@code classify}). */
    public static final String ERROR_STAGE = "error-stage";
    /** Dead letters: the rejection reason code ({@code no-ink}, ...) or the exception class. */
    public static final String ERROR_CLASS = "error-class";
    public static final String ERROR_MESSAGE = "error-message";
    /** Dead letters: ISO-8601 instant of the failure. */
    public static final String FAILED_AT = "failed-at";

    /**
     * Predictions: the 28 x 28 input the model classified (what the preprocessing made of the image), {@link #MODEL_INPUT_BYTES}
     * bytes row by row, 0 = no ink to 255 = full ink, as MNIST's own files. Binary, not in the JSON: a prediction stays ~300
     * bytes of text and the input costs its 784 bytes, not the 1 KB of base64.
     */
    public static final String MODEL_INPUT = "model-input";
    public static final int MODEL_INPUT_BYTES = 28 * 28;

    /** Shadow predictions: the version of the active model that classified the same image in the same batch. */
    public static final String ACTIVE_MODEL = "active-model";
    /** Shadow predictions: the active model's digit for the image, so that agreement is counted without a lookup. */
    public static final String ACTIVE_LABEL = "active-label";

    private Headers() {
    }

    /**
     * An image's headers as every producer of Inkstream writes them (the gateway, {@code inkstream produce}): its
     * content type, who sent it, when, and what people said about it. The one place this shape is built.
     */
    public static RecordHeaders image(String contentType, String source, Instant submittedAt, Optional<String> filename,
                                      OptionalInt label) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CONTENT_TYPE, utf8(contentType));
        headers.add(SOURCE, utf8(source));
        headers.add(SUBMITTED_AT, utf8(submittedAt.toString()));
        filename.ifPresent(name -> headers.add(FILENAME, utf8(name)));
        label.ifPresent(digit -> headers.add(LABEL, utf8(Integer.toString(digit))));
        return headers;
    }

    /** A search mark's headers: {@link #SEARCH_MARK} alone. */
    public static RecordHeaders searchMark() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SEARCH_MARK, utf8("gateway"));
        return headers;
    }

    /**
     * The most an image record's headers may hold, keys and values together. Inkstream's producers write about a hundred
     * bytes; the classifier carries them into the image's prediction, its dead letter and its buffer's changelog, and
     * dead-letters an image whose headers are larger ({@code headers-too-large}): a 2 MB header once made records those
     * topics refused, and the classifier's transaction failed on the same image after every restart.
     */
    public static final int MAX_IMAGE_HEADER_BYTES = 16 * 1024;

    /** The bytes of a record's headers, keys (as UTF-8) and values together. */
    public static long size(org.apache.kafka.common.header.Headers headers) {
        long bytes = 0;
        for (Header header : headers) {
            bytes += utf8(header.key()).length + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    /** Longest error message a dead letter carries: a driver's or a parser's message can be kilobytes. */
    public static final int MAX_ERROR_MESSAGE_CHARS = 1000;

    /**
     * A dead letter's headers: the original record's, unchanged, plus where and why it failed. The one
     * shape of every dead-letter topic, whichever service writes it.
     */
    public static RecordHeaders deadLetter(org.apache.kafka.common.header.Headers original, String stage, String errorClass,
                                           String message, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        headers.add(ERROR_STAGE, utf8(stage));
        headers.add(ERROR_CLASS, utf8(errorClass));
        String text = message == null ? "" : message;
        headers.add(ERROR_MESSAGE, utf8(text.length() > MAX_ERROR_MESSAGE_CHARS ? text.substring(0, MAX_ERROR_MESSAGE_CHARS) : text));
        headers.add(FAILED_AT, utf8(failedAt.toString()));
        return headers;
    }

    /** The last value of a header as UTF-8 text, if present. */
    public static Optional<String> text(org.apache.kafka.common.header.Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * A true digit as producers and people write it: one ASCII digit, surrounding white space ignored. Nothing else is a
     * label: not "10", not "-1", and not another script's digit ("\u0663", which {@link Character#isDigit} accepts).
     */
    public static OptionalInt label(String text) {
        String digit = text.strip();
        return digit.length() == 1 && digit.charAt(0) >= '0' && digit.charAt(0) <= '9' ? OptionalInt.of(digit.charAt(0) - '0')
                : OptionalInt.empty();
    }

    /** A model's input as the {@link #MODEL_INPUT} header's bytes: each value in [0, 1] scaled to 0-255 and rounded. */
    public static byte[] modelInput(float[] pixels) {
        if (pixels.length != MODEL_INPUT_BYTES) {
            throw new IllegalArgumentException("a model input has " + MODEL_INPUT_BYTES + " pixels, got " + pixels.length);
        }
        byte[] bytes = new byte[MODEL_INPUT_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            // Clamped by comparisons (NaN fails both: 0) and rounded by adding a half, since the value is not negative: what
            // Math.round(Math.min(1, Math.max(0, v)) * 255) gives, but for a value within a float's rounding of a half, four
            // times faster (0.7 against 3.1 µs an image; it runs for every prediction on the stream thread).
            float value = pixels[i];
            float clamped = value > 0f ? (value < 1f ? value : 1f) : 0f;
            bytes[i] = (byte) (int) (clamped * 255f + 0.5f);
        }
        return bytes;
    }

    /** The {@link #MODEL_INPUT} header of a prediction, if it is there and has exactly {@link #MODEL_INPUT_BYTES} bytes. */
    public static Optional<byte[]> modelInput(org.apache.kafka.common.header.Headers headers) {
        Header header = headers.lastHeader(MODEL_INPUT);
        return header == null || header.value() == null || header.value().length != MODEL_INPUT_BYTES ? Optional.empty()
                : Optional.of(header.value());
    }

    /** A shadow prediction's headers: which model was active for the image and what it said. */
    public static RecordHeaders shadow(String activeModel, int activeLabel) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ACTIVE_MODEL, utf8(activeModel));
        headers.add(ACTIVE_LABEL, utf8(Integer.toString(activeLabel)));
        return headers;
    }

    /** A shadow prediction's {@link #ACTIVE_MODEL}, if it is there and can be a model version (at most 128 characters). */
    public static Optional<String> activeModel(org.apache.kafka.common.header.Headers headers) {
        Header header = headers.lastHeader(ACTIVE_MODEL);
        return ModelRoles.version(header == null ? null : header.value());
    }

    /** A shadow prediction's {@link #ACTIVE_LABEL}, if it is there and a digit 0-9 ({@link #label(String)}). */
    public static Optional<Integer> activeLabel(org.apache.kafka.common.header.Headers headers) {
        Header header = headers.lastHeader(ACTIVE_LABEL);
        if (header == null || header.value() == null || header.value().length > 16) {
            return Optional.empty();
        }
        OptionalInt digit = label(new String(header.value(), StandardCharsets.UTF_8));
        return digit.isPresent() ? Optional.of(digit.getAsInt()) : Optional.empty();
    }

    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
