package io.inkstream.cli.bench;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.bench.cpu.CompilerCpu;
import io.inkstream.cli.bench.cpu.CpuWindow;
import io.inkstream.cli.bench.cpu.ListeningProcesses;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Drives uploads through the gateway at a fixed rate (open loop: a slow answer does not slow the
 * next upload) and times every image from the moment it was sent to the moment its row was
 * written in Cassandra ({@code WRITETIME}, stamped by the sink's driver). The row's own
 * {@code submitted_at} (gateway) and {@code classified_at} (classifier) split that time into stages.
 *
 * <p>The parts: {@link UploadDriver} (the load), {@link LagSampler} and {@code CpuWindow} (what the
 * stack does meanwhile), {@link WrittenRows} (the rows, read after the window), {@link PipelineReport}
 * and {@link PipelineChart} (what is printed and drawn).
 */
final class PipelineBenchmark {
    /** Keep-alive connections the load may open: enough for 30 s of answers at 1,000/s to be outstanding at 8 ms each, and a stalled gateway. */
    private static final int MAX_CONNECTIONS = 512;

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
    void run(int rate, Duration duration, Warmup warmup, UploadImages images, Path chart, Map<Long, CpuWindow.Role> stack)
            throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        Environment env = Environment.system();
        String classifierGroup = env.string(ClassifierConfig.APPLICATION_ID, "inkstream-classifier");
        String sinkGroup = env.string(SinkConfig.GROUP_ID, "inkstream-sink");
        URI url = URI.create(gateway);
        IntFunction<UploadDriver.Upload> uploads = images.uploads(digits);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-lag");
        try (UploadDriver driver = new UploadDriver(new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort()),
                MAX_CONNECTIONS, Duration.ofSeconds(30)); Admin admin = Admin.create(adminProps)) {
            // Warm up at the measured rate, unmeasured: the first minutes of a fresh stack pay for class loading,
            // JIT and the classifier's first model calls, and would be reported as the pipeline's latency and CPU.
            out.printf(Locale.ROOT, "warming up: %d uploads/s, not measured%n", rate);
            DoubleSupplier jit = CompilerCpu.watch(stack.keySet()).<DoubleSupplier>map(compilers -> compilers::secondsSinceLastLook)
                    .orElse(() -> Double.NaN);
            Warmup.Done warmedUp = warmup.run(length -> driver.run(rate, Math.max(1, rate * length.toMillis() / 1000), uploads), jit,
                    System::nanoTime, out);
            out.println(warmedUp.describe());
            if (!warmedUp.took().isZero()) {
                Thread.sleep(5000);
            }

            Map<Long, CpuWindow.Role> watched = new LinkedHashMap<>(stack);
            watched.putIfAbsent(ProcessHandle.current().pid(), CpuWindow.Role.LOAD);
            long start = System.nanoTime();
            long startMicros = ImageTiming.micros(Instant.now());
            try (LagSampler lag = new LagSampler(admin, classifierGroup, sinkGroup)) {
                CpuWindow cpu = CpuWindow.open(watched);
                List<UploadDriver.Result> sent = driver.run(rate, rate * duration.toSeconds(), uploads);
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                List<CpuWindow.ProcessUsage> cpuUsage = cpu.close();

                List<UploadDriver.Result> accepted = sent.stream().filter(s -> s.id() != null).toList();
                List<ImageTiming> timed = new WrittenRows(cassandra, env.string(SinkConfig.LOCAL_DC, "datacenter1"), out).await(accepted);
                new PipelineReport(gateway, out).print(new PipelineReport.Window(rate, duration, images, sendSeconds, startMicros, accepted.size(),
                        sent.size() - accepted.size(), warmedUp.took()), timed, lag.samples(), cpuUsage, chart);
            }
        }
    }

    /**
     * The processes of a stack on this machine, found by the ports it listens on: the gateway's and
     * the broker's JVM (one, for {@code inkstream up}) and the Cassandra nodes, every one listening on
     * a given port (a local ring's nodes share the CQL port, each on its own loopback address, so one
     * contact point finds them all). A part on another machine is not found, and its CPU is not
     * counted (the report says which were).
     */
    static Map<Long, CpuWindow.Role> localStack(String gateway, String bootstrap, String cassandra) {
        Map<Long, CpuWindow.Role> stack = new LinkedHashMap<>();
        listening(URI.create(gateway).getPort()).forEach(pid -> stack.put(pid, CpuWindow.Role.STACK));
        for (String broker : bootstrap.split(",")) {
            listening(portOf(broker, 9092)).forEach(pid -> stack.putIfAbsent(pid, CpuWindow.Role.STACK));
        }
        for (String node : cassandra.split(",")) {
            listening(portOf(node, 9042)).forEach(pid -> stack.putIfAbsent(pid, CpuWindow.Role.CASSANDRA));
        }
        return stack;
    }

    private static Set<Long> listening(int port) {
        return port > 0 ? ListeningProcesses.pidsListeningOn(port) : Set.of();
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
}
