package io.inkstream.cli.bench;

import io.inkstream.cli.options.OptionChecks;
import io.inkstream.cli.stack.LocalStack;
import io.inkstream.gateway.http.TlsKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        header = "The whole pipeline under a fixed upload rate: latency to the row in Cassandra, CPU per upload.",
        description = "The whole pipeline under a fixed upload rate: end-to-end latency from submission to the row in "
                + "Cassandra (p50, p95, p99, max, and per stage), sustained throughput, each stage's lag, and a PNG chart "
                + "of latency over time. Starts a private embedded stack (about 30 s) unless --url is given.%n"
                + "CPU per upload of each process of the stack found on this machine (by the ports it listens on), and of each "
                + "stage inside its JVMs, over the measured window.%n"
                + "Ends with: pipeline-bench rate=... achieved=... p50_ms=... p99_ms=... stack_cpu_ms=... keeps_up=... images=... warmup_s=...")
public final class PipelineBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rate", defaultValue = "200", description = "Uploads per second (default: ${DEFAULT-VALUE}).")
    int rate;

    // 60 s: at 500/s Cassandra flushes its largest table every 40-50 s and compacts every fourth flush; a 30 s window holds
    // one or none (one that held the node's first flush and compaction read it at 0.64 ms an upload, the next window 0.39).
    @Option(names = "--duration", defaultValue = "60s", description = "How long to upload, measured: 30s, 2m or ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "auto|DURATION", converter = Warmup.Converter.class,
            description = "Upload at the rate first, unmeasured: a fresh stack's JVMs compile for minutes under load. auto: at least 20 s, "
                    + "then until the JIT compilers of the stack's JVMs on this machine use under 0.05 cores in two 10 s slices in a row, "
                    + "at most 5 min (3-4.5 min on a fresh stack at 500/s); "
                    + "a duration (60s): exactly that long (default: ${DEFAULT-VALUE}).")
    Warmup warmup;

    @Option(names = "--images", defaultValue = "raw", paramLabel = "raw|drawings",
            description = "What is uploaded: raw (784 MNIST bytes, nothing to decode) or drawings (280 x 280 PNGs as the web page's "
                    + "canvas sends them, decoded and normalised like every picture) (default: ${DEFAULT-VALUE}).")
    UploadImages images;

    @Option(names = "--chart", paramLabel = "FILE", description = "Where to write the latency chart (default: pipeline-bench-<rate>.png).")
    Path chart;

    @Option(names = "--url", paramLabel = "URL", description = "A running gateway (e.g. http://127.0.0.1:8080 of inkstream up) instead of a private stack.")
    String url;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:INKSTREAM_KAFKA_BOOTSTRAP:-localhost:9092}",
            description = "With --url: its Kafka, for the lag of each stage (default: $INKSTREAM_KAFKA_BOOTSTRAP or localhost:9092).")
    String bootstrap;

    @Option(names = "--cassandra", paramLabel = "HOST:PORT", defaultValue = "${env:INKSTREAM_CASSANDRA_CONTACT_POINTS:-127.0.0.1:9042}",
            description = "With --url: its Cassandra, where the rows are timed (default: $INKSTREAM_CASSANDRA_CONTACT_POINTS or 127.0.0.1:9042).")
    String cassandra;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--rate", rate, 1);
        OptionChecks.longerThanNothing(spec, "--duration", duration);
        Path chartFile = chart != null ? chart : Path.of("pipeline-bench-" + rate + ".png");
        if (url != null) {
            if (!url.startsWith("http://")) {
                // The load generator is a plain HTTP/1.1 client of its own (cheap enough not to steal the pipeline's cores).
                throw new ParameterException(spec.commandLine(), "--url must be an http:// address, not " + url
                        + ": the load generator speaks plain HTTP; measure a gateway without INKSTREAM_GATEWAY_TLS_KEYSTORE, on loopback");
            }
            new PipelineBenchmark(url, bootstrap, cassandra, System.out).run(rate, duration, warmup, images, chartFile,
                    PipelineBenchmark.localStack(url, bootstrap, cassandra));
            return 0;
        }
        Path data = Files.createTempDirectory("inkstream-pipeline-bench-");
        System.err.println("pipeline-bench: starting a private stack in " + data + " (about 30 s)...");
        // The private stack's gateway speaks what the load generator speaks: plain HTTP on loopback, whatever this shell sets.
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove(TlsKeyStore.PATH_VARIABLE);
        environment.remove(TlsKeyStore.PASSWORD_VARIABLE);
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(data, "127.0.0.1", 0, 0, 0, 0, 0, 0, 0, environment))) {
            String gateway = "http://127.0.0.1:" + stack.gatewayPort();
            new PipelineBenchmark(gateway, stack.kafkaBootstrap(), stack.cassandraContactPoint(), System.out).run(rate, duration, warmup,
                    images, chartFile, PipelineBenchmark.localStack(gateway, stack.kafkaBootstrap(), stack.cassandraContactPoint()));
        }
        return 0;
    }
}
