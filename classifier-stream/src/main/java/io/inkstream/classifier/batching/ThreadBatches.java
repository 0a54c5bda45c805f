package io.inkstream.classifier.batching;

import io.inkstream.classifier.metrics.ClassifierMetrics;
import java.time.Clock;

/**
 * One {@link ThreadBatch} per stream thread of one topology. A thread that replaces a failed one
 * starts with a batch of its own; the failed thread's goes with it.
 */
public final class ThreadBatches {
    private final ThreadLocal<ThreadBatch> byThread;

    public ThreadBatches(ClassifierMetrics metrics, Clock clock) {
        this.byThread = ThreadLocal.withInitial(() -> new ThreadBatch(metrics, clock));
    }

    /** The batch of the calling stream thread. */
    ThreadBatch current() {
        return byThread.get();
    }
}
