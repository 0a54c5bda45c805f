package io.inkstream.infra.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    /**
     * A JVM that starts a service and ends without closing it, as a test that fails midway does: the service ends with it.
     * The control: the same service, left running by a JVM that is itself killed (no shutdown hook runs), is still alive.
     */
    @Test
    void aServiceLeftRunningEndsWithTheJvmThatStartedIt(@TempDir Path temp) throws Exception {
        ProcessHandle orphaned = serviceOf(temp, "exit");
        ProcessHandle control = serviceOf(temp, "kill");
        try {
            assertThat(orphaned.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join())
                    .as("the service of a JVM that exited, still alive after 30 s").isNotNull();
            assertThat(control.isAlive()).as("the control: the service of a JVM killed by SIGKILL outlives it").isTrue();
        } finally {
            orphaned.destroyForcibly();
            control.destroyForcibly();
        }
    }

    /** Starts {@link Starter} in a JVM of its own, ends that JVM as {@code how} says, and returns the service it started. */
    private static ProcessHandle serviceOf(Path temp, String how) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = temp.resolve("starter-" + how + ".log");
        Process starter = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Starter.class.getName(),
                temp.resolve("service-" + how + ".log").toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<ProcessHandle> service = Optional.empty();
        while (service.isEmpty() && System.nanoTime() < deadline) {
            service = starter.descendants().filter(p -> commandLine(p).contains(Sleeper.class.getName())).findFirst();
            Thread.sleep(100);
        }
        ProcessHandle started = service.orElseThrow(() -> new AssertionError("no service under the starter within 60 s; it printed "
                + read(output)));
        if (how.equals("kill")) {
            starter.destroyForcibly();
        } else {
            starter.getOutputStream().close(); // the starter waits for this, then returns from main
        }
        assertThat(starter.waitFor(60, TimeUnit.SECONDS)).as("the starter ended; it printed %s", read(output)).isTrue();
        return started;
    }

    /** From /proc: {@code ProcessHandle.Info} gives no command line for one as long as a test classpath. */
    private static String commandLine(ProcessHandle process) {
        return read(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "nothing readable (" + e + ")";
        }
    }

    /** Starts a {@link Sleeper} as a service and, once its standard input ends, returns without closing it. */
    static final class Starter {
        public static void main(String[] args) throws IOException {
            ServiceProcess.start(Sleeper.class.getName(), Map.of(), Path.of(args[0]));
            System.in.readAllBytes();
        }
    }

    /** A service that does nothing until it is stopped. */
    static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
