package io.inkstream.gateway.guard;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes of uploads the gateway holds at once, across all requests. Each upload reserves what it
 * declares (or the most a request may carry, when it declares nothing) before a byte is read, and
 * gives it back when it is answered. When the budget is spent the upload is refused at once (503,
 * retry shortly) instead of queueing: a crowd of slow or large uploads costs a bounded amount of
 * heap, whatever the number of connections. Thread-safe.
 */
public final class UploadBudget {
    private static final int UNIT = 1024;

    private final long totalBytes;
    private final Semaphore kibibytes;

    public UploadBudget(long totalBytes) {
        if (totalBytes < UNIT || totalBytes / UNIT > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an upload budget from 1 KiB to 2 TiB: " + totalBytes);
        }
        this.totalBytes = totalBytes;
        this.kibibytes = new Semaphore((int) (totalBytes / UNIT));
    }

    /** Reserves room for an upload of this many bytes; empty when the budget cannot hold it now. */
    public Optional<Reservation> reserve(long bytes) {
        int units = units(bytes);
        return kibibytes.tryAcquire(units) ? Optional.of(new Reservation(units)) : Optional.empty();
    }

    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes not reserved now. */
    public long availableBytes() {
        return (long) kibibytes.availablePermits() * UNIT;
    }

    private int units(long bytes) {
        return (int) Math.max(1, Math.min(totalBytes / UNIT, (bytes + UNIT - 1) / UNIT));
    }

    /** Room held for one upload; released once, however many times {@link #close} is called. */
    public final class Reservation implements AutoCloseable {
        private final int units;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(int units) {
            this.units = units;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                kibibytes.release(units);
            }
        }
    }
}
