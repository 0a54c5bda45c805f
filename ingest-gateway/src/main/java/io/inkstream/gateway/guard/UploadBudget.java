package io.inkstream.gateway.guard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes of uploads the gateway holds at once, across all requests. Each upload reserves what it
 * declares (or the most a request may carry, when it declares nothing) before a byte is read, and
 * gives it back when it is answered. When the budget is spent the upload is refused at once (503,
 * retry shortly) instead of queueing: a crowd of slow or large uploads costs a bounded amount of
 * heap, whatever the number of connections. One client address may hold at most its share (half the
 * budget, or one upload of the largest kind if that is more): one slow multipart request declaring
 * 34 MiB and slow raw uploads on 30 more connections held the whole default budget, and every other
 * client's upload was refused. Thread-safe.
 */
public final class UploadBudget {
    private static final int UNIT = 1024;

    private final long totalBytes;
    private final Semaphore kibibytes;
    private final int shareUnits;
    private final ConcurrentHashMap<String, Integer> heldByClient = new ConcurrentHashMap<>();

    /** What a reservation comes to: room, or why not. */
    public sealed interface Answer permits Reservation, Refusal {
    }

    /** Why there is no room: this client holds its share, or all clients together hold the budget. */
    public enum Refusal implements Answer {
        CLIENT_SHARE, BUDGET
    }

    /** A budget of which one client address may hold {@code perClientBytes} at most (rounded up to whole KiB). */
    public UploadBudget(long totalBytes, long perClientBytes) {
        if (totalBytes < UNIT || totalBytes / UNIT > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an upload budget from 1 KiB to 2 TiB: " + totalBytes);
        }
        this.totalBytes = totalBytes;
        this.kibibytes = new Semaphore((int) (totalBytes / UNIT));
        this.shareUnits = units(perClientBytes);
    }

    /** Reserves room for an upload of this many bytes from this client, or says why there is none now. */
    public Answer reserve(String client, long bytes) {
        int units = units(bytes);
        if (!kibibytes.tryAcquire(units)) {
            return Refusal.BUDGET; // all clients together first: with the budget spent, the gateway is busy, whoever asks
        }
        boolean[] withinShare = {false};
        heldByClient.compute(client, (address, held) -> {
            int now = held == null ? 0 : held;
            if (now + units > shareUnits) {
                return held;
            }
            withinShare[0] = true;
            return now + units;
        });
        if (!withinShare[0]) {
            kibibytes.release(units);
            return Refusal.CLIENT_SHARE;
        }
        return new Reservation(client, units);
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

    private void giveBack(String client, int units) {
        heldByClient.computeIfPresent(client, (address, held) -> held == units ? null : held - units);
    }

    /** Room held for one upload; released once, however many times {@link #close} is called. */
    public final class Reservation implements Answer, AutoCloseable {
        private final String client;
        private final int units;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(String client, int units) {
            this.client = client;
            this.units = units;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                kibibytes.release(units);
                giveBack(client, units);
            }
        }
    }
}
