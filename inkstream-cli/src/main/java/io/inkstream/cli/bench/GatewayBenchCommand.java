package io.inkstream.cli.bench;

import io.inkstream.cli.options.OptionChecks;
import io.inkstream.model.data.BundledMnist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Upload throughput and latency of a running gateway, measured by real HTTP load tools: wrk
 * (closed loop, as fast as it answers) and hey (open loop at a fixed rate). Both post a raw MNIST
 * digit, so every request is a real upload that the whole pipeline then classifies.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        header = "Uploads/s and latency of a running gateway.",
        description = "Uploads/s and latency of a running gateway (INKSTREAM_GATEWAY_RATE_LIMIT=0 ./inkstream up: the load "
                + "comes from one address), driven by wrk and hey (apt-get install wrk hey). Every request is a real upload the pipeline classifies.%n"
                + "Ends with: gateway-bench max=<uploads/s> rate=<uploads/s> achieved=<uploads/s> p50_ms=... p99_ms=...")
public final class GatewayBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The gateway (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--duration", defaultValue = "20s",
            description = "Each measurement, in whole seconds: 20s, 2m or ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--connections", defaultValue = "16", description = "wrk connections for the maximum (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--rate", defaultValue = "100", description = "Uploads/s for the latency measurement (default: ${DEFAULT-VALUE}).")
    int rate;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--duration", duration, Duration.ofSeconds(1));
        long seconds = duration.toSeconds(); // wrk and hey take whole seconds
        OptionChecks.atLeast(spec, "--connections", connections, 1);
        OptionChecks.atLeast(spec, "--rate", rate, 1);
        Path dir = Files.createTempDirectory("inkstream-gateway-bench-");
        Path body = dir.resolve("digit.mnist");
        Files.write(body, BundledMnist.validation().images().imageBytes(0));
        Path script = dir.resolve("post.lua");
        Files.writeString(script, """
                local f = io.open("%s", "rb")
                wrk.method = "POST"
                wrk.body = f:read("*all")
                f:close()
                wrk.headers["Content-Type"] = "application/x-mnist"
                """.formatted(body), StandardCharsets.UTF_8);
        String endpoint = url.replaceAll("/+$", "") + "/api/images";

        // First, while the pipeline is idle: the latency of a steady rate, which the whole pipeline keeps up with.
        // hey's -q is per worker: the workers share the rate.
        int workers = 10;
        String hey = run(List.of("hey", "-z", seconds + "s", "-c", Integer.toString(workers), "-q",
                String.format(Locale.ROOT, "%.2f", rate / (double) workers), "-m", "POST", "-T", "application/x-mnist", "-D", body.toString(),
                endpoint));
        double achieved = number(hey, "Requests/sec:\\s+([\\d.]+)");
        double p50 = 1000 * number(hey, "50% in ([\\d.]+) secs");
        double p95 = 1000 * number(hey, "95% in ([\\d.]+) secs");
        double p99 = 1000 * number(hey, "99% in ([\\d.]+) secs");
        String accepted = hey.contains("[202]") ? find(hey, "\\[202]\\s+(\\d+) responses") : "0";

        // Then the ceiling: as many uploads as the gateway answers (the pipeline behind it builds a backlog).
        String wrk = run(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", script.toString(), endpoint));
        double max = number(wrk, "Requests/sec:\\s+([\\d.]+)");
        double wrkP50 = millis(wrk, "50%\\s+([\\d.]+)(us|ms|s)");
        double wrkP99 = millis(wrk, "99%\\s+([\\d.]+)(us|ms|s)");
        String wrkErrors = wrk.contains("Non-2xx") ? find(wrk, "Non-2xx or 3xx responses:\\s+(\\d+)") : "0";

        System.out.printf(Locale.ROOT, "%n%-34s %12s %10s %10s %10s %s%n", "measurement", "uploads/s", "p50 ms", "p95 ms", "p99 ms", "notes");
        System.out.printf(Locale.ROOT, "%-34s %12.0f %10.1f %10s %10.1f %s%n", "wrk, " + connections + " connections (max)", max, wrkP50, "-",
                wrkP99, "non-2xx: " + wrkErrors);
        System.out.printf(Locale.ROOT, "%-34s %12.0f %10.1f %10.1f %10.1f %s%n", "hey, fixed rate " + rate + "/s", achieved, p50, p95, p99,
                "202s: " + accepted);
        if (!"0".equals(wrkErrors)) {
            System.out.println("note: " + wrkErrors + " answers were not 2xx; beyond its per-client rate limit a gateway answers 429"
                    + " (INKSTREAM_GATEWAY_RATE_LIMIT=0 turns it off to measure the ceiling)");
        }
        System.out.printf(Locale.ROOT, "%ngateway-bench max=%.0f rate=%d achieved=%.0f p50_ms=%.1f p99_ms=%.1f%n", max, rate, achieved, p50, p99);
        return 0;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        System.err.println("running: " + String.join(" ", command));
        Process process;
        try {
            process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is not installed: apt-get install wrk hey", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed:\n" + output);
        }
        return output;
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("unexpected load tool output (no " + regex + "):\n" + text);
        }
        return m.group(1);
    }

    private static double number(String text, String regex) {
        return Double.parseDouble(find(text, regex));
    }

    private static double millis(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("unexpected wrk output (no " + regex + "):\n" + text);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
