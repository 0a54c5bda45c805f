package io.inkstream.cli.faults;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notes when each watched image's row first appears in Cassandra. WRITETIME cannot tell: a sink
 * restarted after a kill rewrites (idempotently) what it had written but not committed, which
 * moves WRITETIME to the rewrite. Polls each pending id every 200 ms at first, and less often as
 * it waits (every tenth of its wait so far, so its first-seen time is within 10% of its latency):
 * a backlog of thousands after a fault would otherwise cost thousands of reads a second, which on
 * a small machine slows the pipeline being measured. 64 queries at a time; failures (Cassandra
 * stopped) are retried on the next round.
 */
final class RowWatcher implements AutoCloseable {
    private final CqlSession session;
    private final PreparedStatement select;
    private static final long ROUND_NANOS = 200_000_000L;
    /** Per pending id: when it was first watched and when it is next read (System.nanoTime). */
    private final Map<String, long[]> pending = new ConcurrentHashMap<>();
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
        long now = System.nanoTime();
        pending.put(imageId, new long[] {now, now});
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
            long now = System.nanoTime();
            List<String> ids = pending.entrySet().stream().filter(e -> e.getValue()[1] <= now).map(Map.Entry::getKey).toList();
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
                        firstSeenMicros.putIfAbsent(id, FaultSuite.nowMicros());
                        pending.remove(id);
                    } else {
                        long[] times = pending.get(id);
                        if (times != null) {
                            times[1] = now + Math.max(ROUND_NANOS, (now - times[0]) / 10);
                        }
                    }
                    return null;
                });
            }
            CompletableFuture.allOf(reads).join();
            try {
                Thread.sleep(ROUND_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
