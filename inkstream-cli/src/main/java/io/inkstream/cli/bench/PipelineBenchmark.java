package io.inkstream.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.bench.cpu.CpuWindow;
import io.inkstream.cli.bench.cpu.ListeningProcesses;
import io.inkstream.cli.bench.cpu.Stage;
import io.inkstream.contract.topic.GroupLag;
import io.inkstream.contract.topic.Topics;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Drives uploads through the gateway at a fixed rate (open loop: a slow answer does not slow the
 * next upload) and times every image from the moment it was sent to the moment its row was
 * written in Cassandra ({@code WRITETIME}, stamped by the sink's driver). The row's own
 * {@code submitted_at} (gateway) and {@code classified_at} (classifier) split that time into stages.
 */
final class PipelineBenchmark {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** Keep-alive connections the load may open: enough for 30 s of answers at 1,000/s to be outstanding at 8 ms each, and a stalled gateway. */
    private static final int MAX_CONNECTIONS = 512;

    /** One image's journey, in microseconds since the epoch. */
    private record Timed(long sentMicros, long submittedMicros, long classifiedMicros, long writtenMicros) {
        long endToEnd() {
            return writtenMicros - sentMicros;
        }
    }

    /** Lag of each stage at one moment. */
    private record LagSample(double second, long classifierLag, long sinkLag) {
    }

    private final String gateway;
    private final String bootstrap;
    private final String cassandra;
    private final PrintStream out;

    PipelineBenchmark(String gateway, String bootstrap, String cassandra, PrintStream out) {
        this.gateway = gateway.replaceAll("/+$", "");
        this.bootstrap = bootstrap;
        this.cassandra = cassandra;
        this.out = out;
    }

    /**
     * @param stack the processes of the stack to account CPU to (see {@link #localStack}); the
     *              benchmark's own JVM is added as the load generator unless it is part of the stack
     */
    void run(int rate, Duration duration, Duration warmup, Path chart, Map<Long, CpuWindow.Role> stack) throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        Environment env = Environment.system();
        String classifierGroup = env.string(ClassifierConfig.APPLICATION_ID, "inkstream-classifier");
        String sinkGroup = env.string(SinkConfig.GROUP_ID, "inkstream-sink");
        URI url = URI.create(gateway);
        IntFunction<UploadDriver.Upload> uploads = i -> {
            int index = i % digits.size();
            return new UploadDriver.Upload("/api/images?label=" + digits.label(index), "application/x-mnist", digits.images().imageBytes(index));
        };
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-lag");
        try (UploadDriver driver = new UploadDriver(new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort()),
                MAX_CONNECTIONS, Duration.ofSeconds(30)); Admin admin = Admin.create(adminProps)) {
            // Warm up at the measured rate, unmeasured: the first seconds of a fresh stack pay for class loading,
            // JIT and the classifier's first model calls, and would be reported as the pipeline's latency.
            if (!warmup.isZero()) {
                out.printf(Locale.ROOT, "warming up: %d uploads/s for %d s, not measured%n", rate, warmup.toSeconds());
                driver.run(rate, rate * warmup.toSeconds(), uploads);
                Thread.sleep(5000);
            }

            Map<Long, CpuWindow.Role> watched = new LinkedHashMap<>(stack);
            watched.putIfAbsent(ProcessHandle.current().pid(), CpuWindow.Role.LOAD);
            List<LagSample> lag = new ArrayList<>();
            GroupLag lagOf = new GroupLag(admin);
            long start = System.nanoTime();
            long startMicros = nowMicros();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "bench-lag-sampler"));
            sampler.scheduleAtFixedRate(() -> {
                try {
                    LagSample sample = new LagSample((System.nanoTime() - start) / 1e9, lagOf.of(classifierGroup, Topics.IMAGES),
                            lagOf.of(sinkGroup, Topics.PREDICTIONS));
                    synchronized (lag) {
                        lag.add(sample);
                    }
                } catch (Exception e) {
                    // a missed sample is a gap in the lag curve, nothing more
                }
            }, 0, 1, TimeUnit.SECONDS);

            CpuWindow cpu = CpuWindow.open(watched);
            List<UploadDriver.Result> sent = driver.run(rate, rate * duration.toSeconds(), uploads);
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            List<CpuWindow.ProcessUsage> cpuUsage = cpu.close();

            List<UploadDriver.Result> accepted = sent.stream().filter(s -> s.id() != null).toList();
            List<Timed> timed = awaitRows(accepted);
            sampler.shutdownNow();
            report(rate, duration, sendSeconds, startMicros, accepted.size(), sent.size() - accepted.size(), timed, lag, cpuUsage, chart);
        }
    }

    /**
     * The processes of a stack on this machine, found by the ports it listens on: the gateway's and
     * the broker's JVM (one, for {@code inkstream up}) and the Cassandra node. A part on another
     * machine is not found, and its CPU is not counted (the report says which were).
     */
    static Map<Long, CpuWindow.Role> localStack(String gateway, String bootstrap, String cassandra) {
        Map<Long, CpuWindow.Role> stack = new LinkedHashMap<>();
        port(URI.create(gateway).getPort()).flatMap(ListeningProcesses::pidListeningOn).ifPresent(pid -> stack.put(pid, CpuWindow.Role.STACK));
        for (String broker : bootstrap.split(",")) {
            port(portOf(broker, 9092)).flatMap(ListeningProcesses::pidListeningOn).ifPresent(pid -> stack.putIfAbsent(pid, CpuWindow.Role.STACK));
        }
        for (String node : cassandra.split(",")) {
            port(portOf(node, 9042)).flatMap(ListeningProcesses::pidListeningOn)
                    .ifPresent(pid -> stack.putIfAbsent(pid, CpuWindow.Role.CASSANDRA));
        }
        return stack;
    }

    private static Optional<Integer> port(int port) {
        return port > 0 ? Optional.of(port) : Optional.empty();
    }

    private static int portOf(String hostPort, int fallback) {
        String trimmed = hostPort.strip();
        int colon = trimmed.lastIndexOf(':');
        try {
            return colon < 0 ? fallback : Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Reads every accepted image's row; waits for the pipeline to drain, up to a deadline. */
    private List<Timed> awaitRows(List<UploadDriver.Result> accepted) throws InterruptedException {
        String[] hostPort = cassandra.split(",")[0].strip().split(":");
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new java.net.InetSocketAddress(hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 9042))
                .withLocalDatacenter(Environment.system().string(SinkConfig.LOCAL_DC, "datacenter1"))
                .build()) {
            PreparedStatement select = session.prepare("SELECT submitted_at, classified_at, WRITETIME(label) AS written "
                    + "FROM inkstream.predictions_by_image WHERE image_id = ?");
            Map<String, UploadDriver.Result> waiting = accepted.stream().collect(Collectors.toMap(UploadDriver.Result::id, s -> s));
            List<Timed> timed = new ArrayList<>();
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
                                timed.add(new Timed(s.dueMicros(), micros(first.getInstant("submitted_at")),
                                        micros(first.getInstant("classified_at")), written));
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

    private void report(int rate, Duration duration, double sendSeconds, long startMicros, int accepted, int refused, List<Timed> timed,
                        List<LagSample> lag, List<CpuWindow.ProcessUsage> cpu, Path chart) throws IOException {
        long[] endToEnd = timed.stream().mapToLong(Timed::endToEnd).sorted().toArray();
        long[] ingest = timed.stream().mapToLong(t -> t.submittedMicros() - t.sentMicros()).sorted().toArray();
        long[] classify = timed.stream().mapToLong(t -> t.classifiedMicros() - t.submittedMicros()).sorted().toArray();
        long[] store = timed.stream().mapToLong(t -> t.writtenMicros() - t.classifiedMicros()).sorted().toArray();
        long lastWrite = timed.stream().mapToLong(Timed::writtenMicros).max().orElse(startMicros);
        double sustained = timed.size() / Math.max(sendSeconds, (lastWrite - startMicros) / 1e6);
        double achieved = accepted / sendSeconds;
        List<LagSample> samples;
        synchronized (lag) {
            samples = List.copyOf(lag);
        }
        long maxClassifierLag = samples.stream().mapToLong(LagSample::classifierLag).max().orElse(0);
        long maxSinkLag = samples.stream().mapToLong(LagSample::sinkLag).max().orElse(0);
        boolean keepsUp = keepsUp(samples, duration.toSeconds(), rate, achieved);

        out.printf(Locale.ROOT, "%npipeline-bench: %d uploads/s for %d s through %s%n", rate, duration.toSeconds(), gateway);
        out.printf(Locale.ROOT, "uploads sent %d, accepted (202) %d, not accepted %d, rows in Cassandra %d%n",
                accepted + refused, accepted, refused, timed.size());
        out.printf(Locale.ROOT, "achieved %.0f uploads/s accepted, sustained %.0f rows/s written%n%n", achieved, sustained);
        out.printf(Locale.ROOT, "%-40s %9s %9s %9s %9s%n", "latency (ms)", "p50", "p95", "p99", "max");
        row("end to end: sent -> row written", endToEnd);
        row("  gateway: sent -> submitted-at", ingest);
        row("  classify: submitted-at -> classified-at", classify);
        row("  store: classified-at -> row written", store);
        out.printf(Locale.ROOT, "%nlag: classifier max %d images, sink max %d predictions, both together %.0f over the last 5 s%n",
                maxClassifierLag, maxSinkLag, endLag(samples, duration.toSeconds()));
        out.printf(Locale.ROOT, "keeps up: %s (accepted %.0f/s of %d/s; lag at the end under 2 s of uploads: %s)%n", keepsUp ? "yes" : "no",
                achieved, rate, endLag(samples, duration.toSeconds()) < 2.0 * rate ? "yes" : "no");
        OptionalDouble stackCpuMs = reportCpu(cpu, sendSeconds, accepted);
        writeChart(chart, rate, startMicros, timed, samples);
        out.println("chart: " + chart.toAbsolutePath());
        out.printf(Locale.ROOT, "%npipeline-bench rate=%d achieved=%.0f p50_ms=%.0f p99_ms=%.0f stack_cpu_ms=%s keeps_up=%s%n", rate, achieved,
                percentile(endToEnd, 0.50) / 1000, percentile(endToEnd, 0.99) / 1000,
                stackCpuMs.isPresent() ? String.format(Locale.ROOT, "%.2f", stackCpuMs.getAsDouble()) : "n/a", keepsUp);
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

    private static double perUpload(double cpuSeconds, int uploads) {
        return uploads == 0 ? 0 : cpuSeconds * 1000 / uploads;
    }

    private void row(String name, long[] sortedMicros) {
        out.printf(Locale.ROOT, "%-40s %9.1f %9.1f %9.1f %9.1f%n", name, percentile(sortedMicros, 0.50) / 1000, percentile(sortedMicros, 0.95) / 1000,
                percentile(sortedMicros, 0.99) / 1000, sortedMicros.length == 0 ? 0 : sortedMicros[sortedMicros.length - 1] / 1000.0);
    }

    /**
     * Whether the pipeline keeps up with the rate: the gateway accepted at least 97% of it, and the
     * lag of the classifier and the sink over the last 5 s of sending is under 2 s worth of uploads.
     */
    static boolean keepsUp(List<LagSample> samples, long seconds, int rate, double achieved) {
        double endLag = samples.stream().filter(s -> s.second() > seconds - 5 && s.second() <= seconds)
                .mapToLong(s -> s.classifierLag() + s.sinkLag()).average().orElse(0);
        return achieved >= 0.97 * rate && endLag < 2.0 * rate;
    }

    static double endLag(List<LagSample> samples, long seconds) {
        return samples.stream().filter(s -> s.second() > seconds - 5 && s.second() <= seconds)
                .mapToLong(s -> s.classifierLag() + s.sinkLag()).average().orElse(0);
    }

    private static double percentile(long[] sorted, double share) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
    }

    /** Every image's end-to-end latency against when it was sent, with the per-second p99 and the lag of both stages. */
    private static void writeChart(Path file, int rate, long startMicros, Collection<Timed> timed, List<LagSample> lag) throws IOException {
        int width = 1000;
        int height = 560;
        int left = 70;
        int right = 70;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double maxSecond = Math.max(1, timed.stream().mapToDouble(t -> (t.sentMicros() - startMicros) / 1e6).max().orElse(1));
        long[] sorted = timed.stream().mapToLong(Timed::endToEnd).sorted().toArray();
        double maxMillis = Math.max(10, percentile(sorted, 0.999) / 1000 * 1.1);
        long maxLag = Math.max(1, lag.stream().mapToLong(s -> Math.max(s.classifierLag(), s.sinkLag())).max().orElse(1));
        int plotWidth = width - left - right;
        int plotHeight = height - top - bottom;

        g.setColor(new Color(0xDD, 0xDD, 0xDD));
        for (int i = 0; i <= 5; i++) {
            int y = top + plotHeight - i * plotHeight / 5;
            g.drawLine(left, y, left + plotWidth, y);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 5; i++) {
            int y = top + plotHeight - i * plotHeight / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f ms", maxMillis * i / 5), 5, y + 4);
            g.drawString(String.format(Locale.ROOT, "%d", maxLag * i / 5), left + plotWidth + 8, y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = left + i * plotWidth / 10;
            g.drawString(String.format(Locale.ROOT, "%.0f s", maxSecond * i / 10), x - 10, top + plotHeight + 20);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(String.format(Locale.ROOT, "End-to-end latency (upload sent -> row in Cassandra) at %d uploads/s; lag on the right axis", rate),
                left, 24);

        g.setColor(new Color(0x35, 0x59, 0xE0, 60));
        for (Timed t : timed) {
            int x = left + (int) ((t.sentMicros() - startMicros) / 1e6 / maxSecond * plotWidth);
            int y = top + plotHeight - (int) Math.min(plotHeight, t.endToEnd() / 1000.0 / maxMillis * plotHeight);
            g.fillRect(x, y, 2, 2);
        }
        // p99 per second
        int seconds = (int) Math.ceil(maxSecond);
        List<List<Long>> perSecond = new ArrayList<>();
        for (int s = 0; s <= seconds; s++) {
            perSecond.add(new ArrayList<>());
        }
        timed.forEach(t -> perSecond.get((int) Math.min(seconds, (t.sentMicros() - startMicros) / 1_000_000)).add(t.endToEnd()));
        g.setStroke(new BasicStroke(2f));
        g.setColor(new Color(0xD6, 0x45, 0x45));
        int previousX = -1;
        int previousY = -1;
        for (int s = 0; s <= seconds; s++) {
            long[] values = perSecond.get(s).stream().mapToLong(Long::longValue).sorted().toArray();
            if (values.length == 0) {
                continue;
            }
            int x = left + (int) ((s + 0.5) / maxSecond * plotWidth);
            int y = top + plotHeight - (int) Math.min(plotHeight, percentile(values, 0.99) / 1000 / maxMillis * plotHeight);
            if (previousX >= 0) {
                g.drawLine(previousX, previousY, x, y);
            }
            previousX = x;
            previousY = y;
        }
        drawLag(g, lag, maxSecond, maxLag, left, top, plotWidth, plotHeight, true, new Color(0x1F, 0x9D, 0x55));
        drawLag(g, lag, maxSecond, maxLag, left, top, plotWidth, plotHeight, false, new Color(0xE0, 0x8A, 0x00));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0x35, 0x59, 0xE0));
        g.drawString("each image", left + 10, top + 16);
        g.setColor(new Color(0xD6, 0x45, 0x45));
        g.drawString("p99 per second", left + 100, top + 16);
        g.setColor(new Color(0x1F, 0x9D, 0x55));
        g.drawString("classifier lag", left + 220, top + 16);
        g.setColor(new Color(0xE0, 0x8A, 0x00));
        g.drawString("sink lag", left + 330, top + 16);
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawLag(Graphics2D g, List<LagSample> lag, double maxSecond, long maxLag, int left, int top, int plotWidth,
                                int plotHeight, boolean classifier, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
        int previousX = -1;
        int previousY = -1;
        for (LagSample sample : lag) {
            if (sample.second() > maxSecond) {
                break;
            }
            long value = classifier ? sample.classifierLag() : sample.sinkLag();
            int x = left + (int) (sample.second() / maxSecond * plotWidth);
            int y = top + plotHeight - (int) (value / (double) maxLag * plotHeight);
            if (previousX >= 0) {
                g.drawLine(previousX, previousY, x, y);
            }
            previousX = x;
            previousY = y;
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }
}
