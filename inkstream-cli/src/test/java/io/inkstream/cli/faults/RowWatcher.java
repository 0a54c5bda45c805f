package io.inkstream.cli.faults;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notes when each watched image's row first appears in Cassandra. WRITETIME cannot tell: a sink
 * restarted after a kill rewrites (idempotently) what it had written but not committed, which
 * moves WRITETIME to the rewrite. Polls the pending ids every 200 ms, 64 queries at a time;
 * failures (Cassandra stopped) are retried on the next round.
 */
final class RowWatcher implements AutoCloseable {
    private final CqlSession session;
    private final PreparedStatement select;
    private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSeenMicros = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::poll, "row-watcher");

    RowWatcher(CqlSession session) {
        this.session = session;
        this.select = session.prepare("SELECT image_id FROM inkstream.predictions_by_image WHERE image_id = ?");
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    void watch(String imageId) {
        pending.put(imageId, Boolean.TRUE);
    }

    /** Watched images without a row yet. */
    int pending() {
        return pending.size();
    }

    /** The first-seen time of every watched image, once {@code expected} are seen or the deadline passed. */
    Map<String, Long> awaitAll(int expected, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (firstSeenMicros.size() < expected && System.nanoTime() < end) {
            Thread.sleep(500);
        }
        return Map.copyOf(firstSeenMicros);
    }

    private void poll() {
        Semaphore inFlight = new Semaphore(64);
        while (running.get()) {
            List<String> ids = List.copyOf(pending.keySet());
            CompletableFuture<?>[] reads = new CompletableFuture<?>[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                reads[i] = session.executeAsync(select.bind(id)).toCompletableFuture().handle((rows, error) -> {
                    inFlight.release();
                    if (error == null && rows.one() != null) {
                        firstSeenMicros.putIfAbsent(id, nowMicros());
                        pending.remove(id);
                    }
                    return null;
                });
            }
            CompletableFuture.allOf(reads).join();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
