package io.inkstream.cli.bench;

import io.inkstream.cli.bench.cpu.CpuWindow;
import io.inkstream.cli.bench.cpu.Stage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** What {@code bench pipeline} prints: uploads, latency by stage, lag, CPU per upload, and the summary line. */
final class PipelineReport {
    private final String gateway;
    private final PrintStream out;

    /**
     * The measured window: uploads due at {@code rate} for {@code duration}, sending took
     * {@code sendSeconds} from {@code startMicros} (epoch), and so many were accepted and refused, after a warm-up this long.
     */
    record Window(int rate, Duration duration, UploadImages images, double sendSeconds, long startMicros, int accepted, int refused,
                  Duration warmup) {
    }

    /** A second of the window ({@code offset} from its opening, as on the chart), when it began, and its slowest image's end to end. */
    record Second(long offset, Instant began, double maxMs) {
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    PipelineReport(String gateway, PrintStream out) {
        this.gateway = gateway;
        this.out = out;
    }

    /** Prints the report, writes the chart, and ends with the one-line summary that runs are compared by. */
    void print(Window window, List<ImageTiming> timed, List<LagSample> samples, List<CpuWindow.ProcessUsage> cpu, Path chart) throws IOException {
        int rate = window.rate();
        Duration duration = window.duration();
        double sendSeconds = window.sendSeconds();
        long startMicros = window.startMicros();
        int accepted = window.accepted();
        int refused = window.refused();
        long[] endToEnd = sorted(timed, ImageTiming::endToEnd);
        long[] ingest = sorted(timed, ImageTiming::gateway);
        long[] classify = sorted(timed, ImageTiming::classify);
        long[] store = sorted(timed, ImageTiming::store);
        long lastWrite = timed.stream().mapToLong(ImageTiming::writtenMicros).max().orElse(startMicros);
        double sustained = timed.size() / Math.max(sendSeconds, (lastWrite - startMicros) / 1e6);
        double achieved = accepted / sendSeconds;
        long maxClassifierLag = samples.stream().mapToLong(LagSample::classifierLag).max().orElse(0);
        long maxSinkLag = samples.stream().mapToLong(LagSample::sinkLag).max().orElse(0);
        boolean keepsUp = LagSample.keepsUp(samples, duration.toSeconds(), rate, achieved);

        out.printf(Locale.ROOT, "%npipeline-bench: %d uploads/s for %d s through %s, %s%n", rate, duration.toSeconds(), gateway,
                window.images().description());
        out.printf(Locale.ROOT, "uploads sent %d, accepted (202) %d, not accepted %d, rows in Cassandra %d%n",
                accepted + refused, accepted, refused, timed.size());
        out.printf(Locale.ROOT, "achieved %.0f uploads/s accepted, sustained %.0f rows/s written%n%n", achieved, sustained);
        out.printf(Locale.ROOT, "%-40s %9s %9s %9s %9s%n", "latency (ms)", "p50", "p95", "p99", "max");
        row("end to end: sent -> row written", endToEnd);
        row("  gateway: sent -> submitted-at", ingest);
        row("  classify: submitted-at -> classified-at", classify);
        row("  store: classified-at -> row written", store);
        out.println("slowest seconds (as on the chart; UTC, to find in the services' logs): " + slowestSeconds(timed, startMicros, 3).stream()
                .map(second -> String.format(Locale.ROOT, "+%d s at %s, max %.0f ms", second.offset(), CLOCK.format(second.began()), second.maxMs()))
                .collect(Collectors.joining("; ")));
        out.printf(Locale.ROOT, "%nlag: classifier max %d images, sink max %d predictions, both together %.0f over the last 5 s%n",
                maxClassifierLag, maxSinkLag, LagSample.endLag(samples, duration.toSeconds()));
        out.printf(Locale.ROOT, "keeps up: %s (accepted %.0f/s of %d/s; lag at the end under 2 s of uploads: %s)%n", keepsUp ? "yes" : "no",
                achieved, rate, LagSample.endLag(samples, duration.toSeconds()) < 2.0 * rate ? "yes" : "no");
        OptionalDouble stackCpuMs = reportCpu(cpu, sendSeconds, accepted);
        PipelineChart.write(chart, rate, startMicros, timed, samples);
        out.println("chart: " + chart.toAbsolutePath());
        out.printf(Locale.ROOT, "%npipeline-bench rate=%d achieved=%.0f p50_ms=%.0f p99_ms=%.0f stack_cpu_ms=%s keeps_up=%s images=%s warmup_s=%d%n",
                rate, achieved, percentile(endToEnd, 0.50) / 1000, percentile(endToEnd, 0.99) / 1000,
                stackCpuMs.isPresent() ? String.format(Locale.ROOT, "%.2f", stackCpuMs.getAsDouble()) : "n/a", keepsUp,
                window.images().name().toLowerCase(Locale.ROOT), window.warmup().toSeconds());
    }

    /**
     * CPU per accepted upload over the measured window, each process and each stage inside the
     * stack's JVMs; returns the stack's (every pipeline process, Cassandra included, the load
     * generator excluded), or nothing when no process of the stack was seen on this machine.
     */
    private OptionalDouble reportCpu(List<CpuWindow.ProcessUsage> cpu, double seconds, int accepted) {
        out.printf(Locale.ROOT, "%nCPU over the measured window (%.0f s, %d uploads accepted)%n", seconds, accepted);
        out.printf(Locale.ROOT, "%-34s %8s %14s%n", "process / stage", "cores", "ms per upload");
        double stack = 0;
        boolean stackSeen = false;
        for (CpuWindow.ProcessUsage process : cpu) {
            stackSeen |= process.role() != CpuWindow.Role.LOAD;
            stack += process.stackSeconds();
            out.printf(Locale.ROOT, "%-34s %8.2f %14.2f%n", process.role().label() + " (pid " + process.pid() + ")", process.seconds() / seconds,
                    perUpload(process.seconds(), accepted));
            if (process.byStage().size() > 1) {
                process.byStage().entrySet().stream().sorted(Map.Entry.<Stage, Double>comparingByValue().reversed())
                        .filter(stage -> stage.getValue() > 0)
                        .forEach(stage -> out.printf(Locale.ROOT, "  %-32s %8.2f %14.2f%n", stage.getKey().label(), stage.getValue() / seconds,
                                perUpload(stage.getValue(), accepted)));
            }
        }
        if (!stackSeen) {
            out.println("(no process of the stack runs on this machine: its CPU is not measured)");
            return OptionalDouble.empty();
        }
        out.printf(Locale.ROOT, "%-34s %8.2f %14.2f%n", "stack (all but the load generator)", stack / seconds, perUpload(stack, accepted));
        return OptionalDouble.of(perUpload(stack, accepted));
    }

    /**
     * The {@code count} seconds of the window whose slowest image (by the time it was sent) took longest end to end, slowest
     * first (the earlier of two alike).
     */
    static List<Second> slowestSeconds(List<ImageTiming> timed, long startMicros, int count) {
        Map<Long, Long> maxBySecond = timed.stream().collect(Collectors.toMap(t -> Math.floorDiv(t.sentMicros() - startMicros, 1_000_000L),
                ImageTiming::endToEnd, Math::max));
        return maxBySecond.entrySet().stream().sorted(Map.Entry.<Long, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey())).limit(count)
                .map(entry -> new Second(entry.getKey(), Instant.EPOCH.plus(startMicros + entry.getKey() * 1_000_000L, ChronoUnit.MICROS),
                        entry.getValue() / 1000.0))
                .toList();
    }

    private static double perUpload(double cpuSeconds, int uploads) {
        return uploads == 0 ? 0 : cpuSeconds * 1000 / uploads;
    }

    private void row(String name, long[] sortedMicros) {
        out.printf(Locale.ROOT, "%-40s %9.1f %9.1f %9.1f %9.1f%n", name, percentile(sortedMicros, 0.50) / 1000, percentile(sortedMicros, 0.95) / 1000,
                percentile(sortedMicros, 0.99) / 1000, sortedMicros.length == 0 ? 0 : sortedMicros[sortedMicros.length - 1] / 1000.0);
    }

    private static long[] sorted(List<ImageTiming> timed, ToLongFunction<ImageTiming> micros) {
        return timed.stream().mapToLong(micros).sorted().toArray();
    }

    static double percentile(long[] sorted, double share) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
    }
}
