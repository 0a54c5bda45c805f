package io.inkstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.infra.process.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The waits of the suites that run services in JVMs of their own ({@code inkstream run}, {@code inkstream up}, the fault
 * suites). One that runs out fails with what it saw last and the end of the services' log: that message is all CI prints
 * of a failed run, and the log itself is in a temporary directory, or in a clone CI does not keep.
 */
public final class ServiceWaits {
    /** A fresh JVM loads DL4J, joins its group and restores its state; on a loaded CI machine that has taken over a minute. */
    public static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);
    /** From the upload's 202 to its prediction read back through the gateway, on a stack that is healthy. */
    public static final Duration CLASSIFIED_WITHIN = Duration.ofMinutes(2);
    static final int TAIL_LINES = 40;
    private static final String TAIL_HEADING = "\n--- the last ";
    private static final int TAIL_BYTES = 16 << 10;

    private ServiceWaits() {
    }

    /**
     * Polls the service's {@code /health} until it answers 200; fails at once when its JVM has exited, as one does when
     * its port is taken: what answers there is then not it.
     */
    public static void awaitHealthy(ServiceProcess process, int port, String service) throws InterruptedException {
        awaitHealthy(service, port, process::exitCode, process.log());
    }

    /** As above, for a JVM a test started itself, its output going to {@code log}. */
    public static void awaitHealthy(Process process, Path log, int port, String service) throws InterruptedException {
        awaitHealthy(service, port, () -> process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue()), log);
    }

    private static void awaitHealthy(String service, int port, Supplier<OptionalInt> exitCode, Path log) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            OptionalInt exit = exitCode.get();
            if (exit.isPresent()) {
                throw new AssertionError(service + " exited (code " + exit.getAsInt() + ") before it became healthy; last " + last
                        + tail(log));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + health.statusCode() + " " + health.body();
            } catch (IOException notYet) {
                last = notYet.toString(); // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(service + " on port " + port + " did not become healthy within " + HEALTHY_WITHIN + "; last " + last
                + tail(log));
    }

    /** Polls the gateway's {@code GET /api/images/{id}} until the image is classified, and returns that answer. */
    public static JsonNode awaitClassified(HttpClient http, int gatewayPort, String id, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CLASSIFIED_WITHIN.toNanos();
        String last;
        do {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/images/" + id))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200) {
                JsonNode image = new ObjectMapper().readTree(answer.body());
                if ("classified".equals(image.path("status").asText())) {
                    return image;
                }
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("image " + id + " not classified within " + CLASSIFIED_WITHIN + "; last answer: " + last + tail(log));
    }

    /**
     * {@code failed} again, its message ending with the services' log's last lines: for a suite's own assertions, caught
     * around its body. One that has them already (from a wait above) is returned as it is.
     */
    public static AssertionError withLogTail(AssertionError failed, Path log) {
        if (String.valueOf(failed.getMessage()).contains(TAIL_HEADING)) {
            return failed;
        }
        AssertionError explained = new AssertionError(failed.getMessage() + tail(log), failed.getCause());
        explained.setStackTrace(failed.getStackTrace());
        return explained;
    }

    /** The log's last {@value #TAIL_LINES} lines (of its last 16 KiB), set off for a failure message. */
    static String tail(Path log) {
        try (SeekableByteChannel channel = Files.newByteChannel(log)) {
            long from = Math.max(0, channel.size() - TAIL_BYTES);
            ByteBuffer read = ByteBuffer.allocate((int) (channel.size() - from));
            channel.position(from);
            while (read.hasRemaining() && channel.read(read) >= 0) {
                // until the buffer is full or the file ends
            }
            List<String> lines = List.of(new String(read.array(), 0, read.position(), StandardCharsets.UTF_8).split("\n", -1));
            if (from > 0) {
                lines = lines.subList(1, lines.size()); // the first is cut
            }
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines = lines.subList(0, lines.size() - 1);
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return TAIL_HEADING + last.size() + " lines of " + log + " ---\n" + String.join("\n", last);
        } catch (NoSuchFileException none) {
            return "\n(no log at " + log + ")";
        } catch (IOException e) {
            return "\n(cannot read " + log + ": " + e + ")";
        }
    }
}
