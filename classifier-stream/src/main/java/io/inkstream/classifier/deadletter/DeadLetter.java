package io.inkstream.classifier.deadletter;

import io.inkstream.contract.topic.Headers;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A refused image as it goes to {@code images.dlq}: the original key, value and headers, unchanged,
 * plus where and why it failed.
 */
public final class DeadLetter {
    public static final String STAGE_PREPROCESS = "preprocess";
    public static final String STAGE_CLASSIFY = "classify";

    private DeadLetter() {
    }

    public static Record<byte[], byte[]> of(byte[] key, byte[] value, org.apache.kafka.common.header.Headers original,
                                            long timestamp, String stage, String errorClass, String message, Instant failedAt) {
        return new Record<>(key, value, timestamp, Headers.deadLetter(original, stage, errorClass, message, failedAt));
    }
}
