package io.inkstream.classifier.batching;

import java.time.Duration;

/** A batch is classified when it holds {@code maxRecords} images or when {@code maxWait} has passed, whichever first. */
public record BatchSettings(int maxRecords, Duration maxWait) {
    public static final BatchSettings DEFAULT = new BatchSettings(256, Duration.ofMillis(20));

    public BatchSettings {
        if (maxRecords < 1 || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("a batch needs at least one record and a positive wait: " + maxRecords + ", " + maxWait);
        }
    }
}
