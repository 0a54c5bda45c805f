package io.inkstream.gateway.guard;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most so many of something at once per client address: request bodies being received. A client that opens
 * connections and sends its bodies a byte at a time holds a server thread for each; without a share per address, 260
 * such connections from one client (a few bytes a second in all) took every thread, and the gateway answered no one,
 * not even {@code /health}. A client is forgotten once it holds nothing. Thread-safe.
 */
public final class ClientSlots {
    private final int perClient;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    public ClientSlots(int perClient) {
        if (perClient < 1) {
            throw new IllegalArgumentException("at least one slot per client: " + perClient);
        }
        this.perClient = perClient;
    }

    /** A slot for this client, or empty when it holds all of its share now. */
    public Optional<Slot> take(String client) {
        boolean[] taken = {false};
        held.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perClient) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0] ? Optional.of(new Slot(client)) : Optional.empty();
    }

    public int perClient() {
        return perClient;
    }

    /** One slot of one client; given back once, however many times {@link #close} is called. */
    public final class Slot implements AutoCloseable {
        private final String client;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String client) {
            this.client = client;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                held.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
            }
        }
    }
}
