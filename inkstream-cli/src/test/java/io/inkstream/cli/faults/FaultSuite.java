package io.inkstream.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.inkstream.gateway.upload.IdempotencyKeys;
import io.inkstream.model.data.LabelledDigits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * What the fault suites share: steady uploads with an Idempotency-Key each, the waits between
 * faults, the table of what each fault cost, and the check that every accepted upload is stored
 * exactly once and no refused one at all.
 */
final class FaultSuite {
    /**
     * One upload as its client saw it in the end; the id is derived from its Idempotency-Key, so even a refused one is known.
     * {@code tries} says what each gateway tried answered and when ("gateway 1: 503 after 10012 ms"), so that a refusal can be
     * read from the failure alone.
     */
    record Attempt(int index, String id, long sentMicros, int status, List<String> tries) {
        boolean accepted() {
            return status == 202;
        }

        /** The status, when it was sent relative to {@code micros}, and its tries: how a refusal is reported. */
        String describedFrom(long micros) {
            return status + " at +" + (sentMicros - micros) / 1000 + " ms " + tries;
        }
    }

    /** What a client's tries came to: the last status (-1: no answer), and each try's outcome. */
    private record Sent(int status, List<String> tries) {
    }

    /** A fault: its name and when it began and ended (microseconds since the epoch). */
    record Fault(String name, long startMicros, long endMicros) {
    }

    /**
     * What one fault cost: uploads refused while it lasted, the worst latency of an upload sent then, time to normal; and how
     * many uploads sent then were accepted, which shows the fault was met by traffic at all.
     */
    record FaultCost(Fault fault, int accepted, List<Attempt> refused, double maxMillis, double recoveredSeconds) {
    }

    /** Uploads in flight at most: enough for 40/s at a second each. */
    private static final int CLIENTS = 64;

    private FaultSuite() {
    }

    /**
     * Open loop at {@code rate} uploads/s, at most {@code count}, each with its own Idempotency-Key,
     * spread over the gateways in turn, up to {@code CLIENTS} at once (an upload waiting on a slow
     * gateway does not hold back the next). An upload that a gateway does not answer 202 (no answer,
     * a dropped connection, a 5xx) is sent again with the same key to the next, as a client of
     * several instances does, until each has been tried {@code triesPerGateway} times; what the last
     * one said is recorded. A 4xx is an answer, and is not retried. Returns once every upload begun
     * has its answer.
     */
    static void upload(List<Integer> gatewayPorts, int triesPerGateway, String run, int rate, int count, LabelledDigits digits,
                       AtomicBoolean running, Queue<Attempt> attempts, RowWatcher watcher) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count && running.get(); i++) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int upload = i;
                long sent = nowMicros(); // when it was due: time spent queued for a client counts as latency
                clients.execute(() -> {
                    String key = run + "-" + upload;
                    Sent result = send(http, gatewayPorts, triesPerGateway, upload, key, digits);
                    String id = IdempotencyKeys.imageId(key, 0);
                    if (result.status() == 202) {
                        watcher.watch(id);
                    }
                    attempts.add(new Attempt(upload, id, sent, result.status(), result.tries()));
                });
            }
        } finally {
            clients.shutdown();
            try {
                if (!clients.awaitTermination(5, TimeUnit.MINUTES)) {
                    throw new AssertionError("uploads still unanswered 5 minutes after the last was sent");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Sent send(HttpClient http, List<Integer> gatewayPorts, int triesPerGateway, int upload, String key, LabelledDigits digits) {
        int index = upload % digits.size();
        int status = -1;
        List<String> tries = new ArrayList<>();
        for (int tried = 0; tried < triesPerGateway * gatewayPorts.size() && status != 202 && (status < 400 || status >= 500); tried++) {
            int gateway = (upload + tried) % gatewayPorts.size();
            int port = gatewayPorts.get(gateway);
            long begun = System.nanoTime();
            String outcome;
            try {
                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/images?label=" + digits.label(index)))
                                // Past the publish timeout (10 s), and past the wait for a claim whose owner died (20 s).
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-mnist")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(index))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                outcome = Integer.toString(status);
            } catch (IOException e) {
                status = -1;
                outcome = e.getClass().getSimpleName() + " (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tries.add("gateway " + gateway + ": interrupted");
                return new Sent(-1, tries);
            }
            tries.add("gateway " + gateway + ": " + outcome + " after " + (System.nanoTime() - begun) / 1_000_000 + " ms");
        }
        return new Sent(status, tries);
    }

    /**
     * The strict check, once the pipeline is idle: every accepted upload has exactly one row in each
     * table (predictions by image, where a second model's row would be a duplicate, one model runs;
     * and the history, where a redelivered prediction with a new classified-at would be a second row),
     * and no refused upload has any.
     */
    static void assertStoredExactlyOnce(CqlSession session, List<Attempt> accepted, List<Attempt> refused, Map<String, Long> written) {
        assertThat(accepted.stream().map(Attempt::id).filter(id -> !written.containsKey(id)).toList())
                .as("accepted uploads without a prediction").isEmpty();
        PreparedStatement count = session.prepare("SELECT COUNT(*) AS n FROM inkstream.predictions_by_image WHERE image_id = ?");
        assertThat(accepted.stream().filter(a -> session.execute(count.bind(a.id())).one().getLong("n") > 1).map(Attempt::id).toList())
                .as("images with more than one model's row").isEmpty();
        Map<String, Integer> history = historyRows(session, accepted);
        assertThat(history.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList())
                .as("images with other than one history row").isEmpty();
        assertThat(refused.stream().filter(a -> hasRow(session, a.id())).map(Attempt::id).toList())
                .as("refused uploads that reached Cassandra anyway").isEmpty();
    }

    /** History rows per accepted image. */
    private static Map<String, Integer> historyRows(CqlSession session, List<Attempt> accepted) {
        Set<String> ids = accepted.stream().map(Attempt::id).collect(Collectors.toSet());
        Map<String, Integer> rows = new HashMap<>();
        ids.forEach(id -> rows.put(id, 0));
        PreparedStatement day = session.prepare("SELECT image_id FROM inkstream.predictions_by_model_day WHERE model_version = ? AND day = ?");
        for (Row model : session.execute("SELECT model_version, day FROM inkstream.prediction_days_by_model")) {
            LocalDate date = model.getLocalDate("day");
            for (Row row : session.execute(day.bind(model.getString("model_version"), date).setPageSize(5000))) {
                String id = row.getString("image_id");
                if (ids.contains(id)) {
                    rows.merge(id, 1, Integer::sum);
                }
            }
        }
        return rows;
    }

    static boolean hasRow(CqlSession session, String id) {
        return session.execute("SELECT image_id FROM inkstream.predictions_by_image WHERE image_id = ?", id).one() != null;
    }

    /** A lag read until it is 0; fails with the last reading at the deadline. */
    static void awaitLag(Callable<Long> lag, String what, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        long seen = lag.call();
        while (seen > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " did not reach 0 within " + deadline + "; last " + seen);
            }
            Thread.sleep(250);
            seen = lag.call();
        }
    }

    /**
     * Prints and returns what each fault cost: the uploads sent from its start to the next fault's,
     * those refused, the worst latency, and when it was over: from the fault until the first upload
     * after which every one is stored within three times the baseline p99 (at least 2 s) again. The
     * baseline is the 10 s of caught-up traffic before the first fault, less its last 2 s: images
     * still in flight when the first fault lands take its latency, not the baseline's.
     */
    static List<FaultCost> report(String suite, int rate, List<Attempt> attempts, Map<String, Long> written, List<Fault> faults) {
        List<Attempt> all = attempts.stream().sorted(Comparator.comparingLong(Attempt::sentMicros)).toList(); // answers came in any order
        List<Attempt> accepted = all.stream().filter(Attempt::accepted).toList();
        List<Attempt> refused = all.stream().filter(a -> !a.accepted()).toList();
        long firstFault = faults.get(0).startMicros();
        List<Long> baseline = accepted.stream()
                .filter(a -> a.sentMicros() < firstFault - 2_000_000L && a.sentMicros() >= firstFault - 12_000_000L
                        && written.containsKey(a.id()))
                .map(a -> written.get(a.id()) - a.sentMicros()).sorted().toList();
        long baselineP99 = baseline.isEmpty() ? 0 : baseline.get(Math.max(0, (int) Math.ceil(0.99 * baseline.size()) - 1));
        System.out.printf(Locale.ROOT, "%n%s: %d uploads at %d/s, %d accepted, %d refused (%s), %d with a row%n", suite, all.size(), rate,
                accepted.size(), refused.size(), refused.stream().map(a -> Integer.toString(a.status())).collect(Collectors.toCollection(TreeSet::new)),
                written.size());
        System.out.printf(Locale.ROOT, "baseline end-to-end latency: p50 %.0f ms, p99 %.0f ms%n",
                baseline.isEmpty() ? 0 : baseline.get(baseline.size() / 2) / 1000.0, baselineP99 / 1000.0);
        System.out.printf(Locale.ROOT, "%-58s %8s %10s %14s %12s%n", "fault", "refused", "max ms", "recovered in s", "fault lasted s");
        List<FaultCost> costs = new ArrayList<>();
        long threshold = Math.max(3 * baselineP99, 2_000_000);
        for (int f = 0; f < faults.size(); f++) {
            Fault fault = faults.get(f);
            long windowEnd = f + 1 < faults.size() ? faults.get(f + 1).startMicros() : Long.MAX_VALUE;
            List<Attempt> during = all.stream().filter(a -> a.sentMicros() >= fault.startMicros() && a.sentMicros() < windowEnd).toList();
            // An upload still on its way when the next fault begins is charged to this fault only for the time it had
            // waited by then: the rest may be the next fault's, which its own row counts.
            ToLongFunction<Attempt> latency = a -> Math.min(written.get(a.id()), windowEnd) - a.sentMicros();
            long max = during.stream().filter(a -> written.containsKey(a.id())).mapToLong(latency).max().orElse(0);
            long recovered = fault.startMicros();
            for (Attempt a : during) {
                boolean normal = a.accepted() && written.containsKey(a.id()) && latency.applyAsLong(a) <= threshold;
                if (!normal) {
                    recovered = a.sentMicros();
                }
            }
            List<Attempt> refusedDuring = during.stream().filter(a -> !a.accepted()).toList();
            double recoveredSeconds = (recovered - fault.startMicros()) / 1e6;
            System.out.printf(Locale.ROOT, "%-58s %8d %10.0f %14.1f %12.1f%n", fault.name(), refusedDuring.size(), max / 1000.0,
                    recoveredSeconds, (fault.endMicros() - fault.startMicros()) / 1e6);
            costs.add(new FaultCost(fault, during.size() - refusedDuring.size(), refusedDuring, max / 1000.0, recoveredSeconds));
        }
        return costs;
    }

    /**
     * One fault at a time: waits until the backlog the last fault left is stored (under two seconds of
     * uploads still pending), then 3 s of steady traffic before the next (an upload still on its way when the next
     * fault begins is charged to this one only with the time it had waited by then: see {@link #report}). Two seconds,
     * not one: in the scale-out suite (fourteen JVMs on two cores) an upload takes 1.5 s to its row when nothing is wrong,
     * so about 15 are always on their way, and a one-second bound waited for a lull rather than for the backlog (the
     * suite took 5 to 7.5 minutes from one run to the next).
     */
    static void settle(RowWatcher watcher, int rate, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (watcher.pending() > 2L * rate) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the backlog did not drain within " + bound + ": " + watcher.pending()
                        + " accepted uploads still without a row");
            }
            Thread.sleep(500);
        }
        pause(Duration.ofSeconds(3));
    }

    static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
