package io.inkstream.infra.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A service's {@code main} in a child JVM with this JVM's classpath, so that a test can kill it
 * the way a machine dies (SIGKILL: no shutdown hook, no commit, no flush) or stop it the way an
 * orchestrator does (SIGTERM). Output goes to a log file. One that is neither killed nor closed is
 * killed when this JVM exits.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Thread reaper;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        // A test that fails before it closes the service would leave the JVM running after the build, holding its ports and
        // a share of the two cores through the modules built after it (one did, for 40 minutes, on 2026-12-06).
        this.reaper = new Thread(process::destroyForcibly, "service-process-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * @param mainClass   the service's entry point
     * @param environment its configuration; {@code INKSTREAM_*} variables of this JVM are not inherited
     * @param log         appended to, kept after the process ends
     */
    public static ServiceProcess start(String mainClass, Map<String, String> environment, Path log) throws IOException {
        return start(mainClass, List.of(), environment, log);
    }

    /**
     * @param mainClass   the service's entry point
     * @param arguments   its command line
     * @param environment its configuration; {@code INKSTREAM_*} variables of this JVM are not inherited
     * @param log         appended to, kept after the process ends
     */
    public static ServiceProcess start(String mainClass, List<String> arguments, Map<String, String> environment, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(ChildJvm.options());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("INKSTREAM_"));
        builder.environment().putAll(environment);
        builder.environment().put("OMP_NUM_THREADS", "1");
        return new ServiceProcess(builder.start(), log);
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        removeReaper();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Its exit code once it has ended; empty while it runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** The file its output is appended to. */
    public Path log() {
        return log;
    }

    /** SIGTERM; SIGKILL after 60 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        removeReaper();
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs anyway, on a process that has ended: harmless.
        }
    }
}
