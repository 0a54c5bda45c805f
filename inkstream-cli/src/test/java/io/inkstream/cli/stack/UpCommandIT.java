package io.inkstream.cli.stack;

import static io.inkstream.cli.ServiceWaits.awaitClassified;
import static io.inkstream.cli.ServiceWaits.awaitHealthy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.process.ChildJvm;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inkstream up}, the README's run command, stopped as a terminal stops it: Ctrl-C sends SIGINT to the whole
 * foreground process group, the stack's JVM and the Cassandra node it forked alike. The services must stop first, with
 * the node still serving their last writes, and the node after them. Before 2026-12-05 the node went down within half a
 * second of Ctrl-C (and of a plain SIGTERM too: its own shutdown hook ran beside the stack's), and the gateway and the
 * sink stopped against a dead node. And the log of it all, as the services write it, holds no warning: Kafka's
 * warnings that say nothing is wrong are left out (HarmlessKafkaWarnings), so that one in a user's log means something.
 */
class UpCommandIT {
    /**
     * What a shell does for a foreground job: a process group of its own, SIGINT at its default (a test runner started
     * in the background may have it ignored, and a child inherits that). Then a bystander JVM is forked into the group,
     * and the rest of the arguments, {@code inkstream up}, is exec'ed as its leader. Perl is in every Debian
     * ({@code perl-base} is essential).
     */
    private static final String FOREGROUND_JOB = "$SIG{INT} = 'DEFAULT'; setpgrp(0, 0) or die \"setpgrp: $!\";"
            + " my $n = shift @ARGV; my @bystander = splice(@ARGV, 0, $n);"
            + " defined(my $pid = fork()) or die \"fork: $!\"; if ($pid == 0) { exec @bystander or die \"exec: $!\"; }"
            + " exec @ARGV or die \"exec: $!\";";

    /** A line the services' log pattern ({@code HH:mm:ss.SSS LEVEL logger - message}) writes at WARN or ERROR. */
    private static final Pattern WARNING = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (WARN|ERROR) ");

    @Test
    void ctrlCStopsTheServicesFirstAndTheCassandraNodeAfterThem(@TempDir Path temp) throws Exception {
        int gatewayPort = LoopbackPorts.free();
        Path log = temp.resolve("up.log");
        // The services' log settings (service-ops' logback.xml), not this module's test settings: the log a user reads.
        List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-D" + ChildJvm.PROPERTY + "=" + System.getProperty(ChildJvm.PROPERTY, ""), "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"));
        List<String> bystander = new ArrayList<>(jvm);
        bystander.add(Bystander.class.getName());
        List<String> command = new ArrayList<>(List.of("perl", "-e", FOREGROUND_JOB, Integer.toString(bystander.size())));
        command.addAll(bystander);
        command.addAll(jvm);
        command.addAll(List.of(InkstreamCli.class.getName(), "up", "--data-dir", temp.resolve("data").toString(),
                "--gateway-port", Integer.toString(gatewayPort), "--kafka-port", free(), "--kafka-controller-port", free(),
                "--cql-port", free(), "--cassandra-storage-port", free(), "--classifier-http-port", free(), "--sink-http-port", free()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("INKSTREAM_"));
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process up = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            awaitHealthy(up, log, gatewayPort, "the stack's gateway");
            LabelledDigits digits = BundledMnist.validation();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/images"))
                    .header("Content-Type", "application/x-mnist").POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(0)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            awaitClassified(http, gatewayPort, new ObjectMapper().readTree(accepted.body()).get("images").get(0).get("id").asText(), log);
            ProcessHandle node = descendant(up, "CassandraDaemon").orElseThrow(() -> new AssertionError("no Cassandra node under " + up.pid()));
            ProcessHandle other = descendant(up, Bystander.class.getName()).orElseThrow(() -> new AssertionError("no bystander under " + up.pid()));
            assertThat(processGroup(node)).as("the node is in the stack's process group, where Ctrl-C reaches it").isEqualTo(up.pid());

            // Ctrl-C: SIGINT to the whole group (perl again: /bin/kill is procps', which a minimal Debian may not have).
            assertThat(new ProcessBuilder("perl", "-e", "kill('INT', -$ARGV[0]) or die \"kill: $!\"", Long.toString(up.pid())).inheritIO()
                    .start().waitFor()).as("SIGINT sent to the group").isZero();

            // The control: Ctrl-C reached the group, and a JVM there that leaves SIGINT at its default ends at once.
            assertThat(other.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join()).as("the bystander ended on Ctrl-C").isNotNull();
            assertThat(up.waitFor(2, TimeUnit.MINUTES)).as("inkstream up stopped within 2 min (log: %s)", log).isTrue();
            assertThat(up.exitValue()).as("the exit status of a JVM stopped by SIGINT").isEqualTo(130);
            assertThat(node.isAlive()).as("the Cassandra node outlived inkstream up").isFalse();
            String written = Files.readString(log);
            assertThat(written).as("log: %s", log).contains("inkstream: stopping");
            String stopping = written.substring(written.indexOf("inkstream: stopping"));
            assertThat(stopping).as("log: %s", log).contains("sink stopped", "cassandra stopped", "inkstream: stopped");
            assertThat(stopping.indexOf("sink stopped")).as("the sink stopped before the node (log: %s)", log)
                    .isLessThan(stopping.indexOf("cassandra stopped"));
            assertThat(stopping).as("no service lost its node while stopping (log: %s)", log).doesNotContain("Error while opening new channel");
            // A first start on an empty data directory, one upload and Ctrl-C warn of nothing: a warning is read as a fault.
            assertThat(written.lines().filter(line -> WARNING.matcher(line).find())).as("warnings and errors logged (log: %s)", log).isEmpty();
        } finally {
            up.destroyForcibly();
            up.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String free() {
        return Integer.toString(LoopbackPorts.free());
    }

    /** From /proc/PID/cmdline: {@code ProcessHandle.Info} gives no command line for a long one. */
    private static Optional<ProcessHandle> descendant(Process process, String commandPart) {
        return process.descendants().filter(p -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).contains(commandPart);
            } catch (IOException ended) {
                return false;
            }
        }).findFirst();
    }

    /** The fifth field of /proc/PID/stat, after the command in parentheses. */
    private static long processGroup(ProcessHandle process) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    /** A JVM that does nothing and leaves every signal at its default. */
    public static final class Bystander {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(10).toMillis());
        }
    }
}
