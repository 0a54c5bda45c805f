package io.inkstream.gateway.guard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most so many of something at once, per client address and in all: request bodies being received, each of which
 * holds a server thread while it arrives, and event streams open. Without a share per address, 260 connections from one
 * client sending a byte now and then (a few bytes a second in all) took every thread, and the gateway answered no one,
 * not even {@code /health}; without a bound in all, 16 addresses doing the same did. A client is forgotten once it holds
 * nothing.
 * Thread-safe.
 */
public final class ClientSlots {
    private final int perClient;
    private final int inAll;
    private final Semaphore free;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    /** What asking for a slot comes to: one, or why not. */
    public sealed interface Answer permits Slot, Refusal {
    }

    /** Why there is no slot: this client holds its share, or all clients together hold every slot. */
    public enum Refusal implements Answer {
        CLIENT_SHARE, ALL_TAKEN
    }

    public ClientSlots(int perClient, int inAll) {
        if (perClient < 1 || inAll < perClient) {
            throw new IllegalArgumentException("at least one slot per client and a client's share in all: " + perClient + ", " + inAll);
        }
        this.perClient = perClient;
        this.inAll = inAll;
        this.free = new Semaphore(inAll);
    }

    /** A slot for this client, or why there is none now. */
    public Answer take(String client) {
        if (!free.tryAcquire()) {
            return Refusal.ALL_TAKEN; // all clients together first, as the upload budget: then the gateway is busy, whoever asks
        }
        boolean[] taken = {false};
        held.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perClient) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            free.release();
            return Refusal.CLIENT_SHARE;
        }
        return new Slot(client);
    }

    public int perClient() {
        return perClient;
    }

    public int inAll() {
        return inAll;
    }

    /** Slots no client holds now. */
    public int available() {
        return free.availablePermits();
    }

    /** One slot of one client; given back once, however many times {@link #close} is called. */
    public final class Slot implements Answer, AutoCloseable {
        private final String client;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String client) {
            this.client = client;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                held.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
                free.release();
            }
        }
    }
}
