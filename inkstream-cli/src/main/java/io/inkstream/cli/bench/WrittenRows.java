package io.inkstream.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * The rows the pipeline wrote for the accepted uploads, read from Cassandra once sending is over
 * (one read per image, 128 in flight, again each second for those not written yet), with the
 * times they carry. Outside the measured window: its reads are not the pipeline's cost.
 */
final class WrittenRows {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    private final String cassandra;
    private final String localDatacenter;
    private final PrintStream out;

    WrittenRows(String cassandra, String localDatacenter, PrintStream out) {
        this.cassandra = cassandra;
        this.localDatacenter = localDatacenter;
        this.out = out;
    }

    /** Every accepted image's timing, once its row is written; waits for the pipeline to drain, up to a deadline. */
    List<ImageTiming> await(List<UploadDriver.Result> accepted) throws InterruptedException {
        String[] hostPort = cassandra.split(",")[0].strip().split(":");
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new java.net.InetSocketAddress(hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 9042))
                .withLocalDatacenter(localDatacenter)
                .build()) {
            PreparedStatement select = session.prepare("SELECT submitted_at, classified_at, WRITETIME(label) AS written "
                    + "FROM inkstream.predictions_by_image WHERE image_id = ?");
            Map<String, UploadDriver.Result> waiting = accepted.stream().collect(Collectors.toMap(UploadDriver.Result::id, s -> s));
            List<ImageTiming> timed = new ArrayList<>();
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                Semaphore inFlight = new Semaphore(128);
                List<CompletableFuture<Void>> reads = new ArrayList<>();
                for (UploadDriver.Result s : List.copyOf(waiting.values())) {
                    inFlight.acquire();
                    reads.add(session.executeAsync(select.bind(s.id())).toCompletableFuture().handle((rows, error) -> {
                        inFlight.release();
                        Row first = error == null ? rows.one() : null;
                        if (first != null) {
                            // The earliest row: with several models, the first prediction is the pipeline's answer.
                            long written = first.getLong("written");
                            Row next;
                            while ((next = rows.one()) != null) {
                                if (next.getLong("written") < written) {
                                    first = next;
                                    written = next.getLong("written");
                                }
                            }
                            synchronized (timed) {
                                timed.add(new ImageTiming(s.dueMicros(), ImageTiming.micros(first.getInstant("submitted_at")),
                                        ImageTiming.micros(first.getInstant("classified_at")), written));
                                waiting.remove(s.id());
                            }
                        }
                        return null;
                    }));
                }
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
                if (!waiting.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            if (!waiting.isEmpty()) {
                out.println("WARNING: " + waiting.size() + " accepted images have no row after " + DRAIN_TIMEOUT.toMinutes() + " min");
            }
            return timed;
        }
    }
}
