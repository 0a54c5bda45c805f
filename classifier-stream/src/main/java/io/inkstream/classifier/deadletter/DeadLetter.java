package io.inkstream.classifier.deadletter;

import io.inkstream.contract.topic.Headers;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A refused image as it goes to {@code images.dlq}: the original key, value and headers, unchanged,
 * plus where and why it failed.
 */
public final class DeadLetter {
    public static final String STAGE_PREPROCESS = "preprocess";
    public static final String STAGE_CLASSIFY = "classify";
    private static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetter() {
    }

    public static Record<byte[], byte[]> of(byte[] key, byte[] value, org.apache.kafka.common.header.Headers original,
                                            long timestamp, String stage, String errorClass, String message, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        headers.add(Headers.ERROR_STAGE, Headers.utf8(stage));
        headers.add(Headers.ERROR_CLASS, Headers.utf8(errorClass));
        String text = message == null ? "" : message;
        headers.add(Headers.ERROR_MESSAGE, Headers.utf8(text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text));
        headers.add(Headers.FAILED_AT, Headers.utf8(failedAt.toString()));
        return new Record<>(key, value, timestamp, headers);
    }
}
