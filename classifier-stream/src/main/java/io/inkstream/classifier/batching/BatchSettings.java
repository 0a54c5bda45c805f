package io.inkstream.classifier.batching;

import java.time.Duration;

/**
 * A batch is classified when it holds {@code maxRecords} images or when {@code maxWait} has
 * passed, whichever first. {@code buffer} says whether waiting images survive a crash.
 */
public record BatchSettings(int maxRecords, Duration maxWait, Buffer buffer) {
    public static final BatchSettings DEFAULT = new BatchSettings(256, Duration.ofMillis(20), Buffer.CHANGELOG);

    public enum Buffer {
        /** What is pending at each commit goes to the changelog in the commit's transaction: nothing is lost. */
        CHANGELOG,
        /**
         * Memory only: images buffered when an instance dies are lost (their offsets were committed).
         * Exists to measure what safety costs and to prove the crash test can see a loss; never for production.
         */
        MEMORY_UNSAFE
    }

    public BatchSettings(int maxRecords, Duration maxWait) {
        this(maxRecords, maxWait, Buffer.CHANGELOG);
    }

    public BatchSettings {
        if (maxRecords < 1 || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("a batch needs at least one record and a positive wait: " + maxRecords + ", " + maxWait);
        }
    }
}
