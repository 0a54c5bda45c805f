package io.inkstream.classifier.it;

import io.inkstream.classifier.ClassifierConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The classifier's {@code Main} in a child JVM, so that a test can kill it without a graceful shutdown. */
final class ClassifierProcess implements AutoCloseable {
    private final Process process;

    private ClassifierProcess(Process process) {
        this.process = process;
    }

    static ClassifierProcess start(Map<String, String> environment, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.inkstream.classifier.Main"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("INKSTREAM_"));
        builder.environment().putAll(environment);
        builder.environment().put("OMP_NUM_THREADS", "1");
        return new ClassifierProcess(builder.start());
    }

    /** SIGKILL: no shutdown hook, no commit, no flush, as when a machine dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as an orchestrator stops a container. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static Map<String, String> environment(String bootstrap, String applicationId, Path stateDir, String pinnedModel,
                                           Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(extra);
        environment.putAll(Map.of(ClassifierConfig.BOOTSTRAP, bootstrap,
                ClassifierConfig.MODEL, pinnedModel,
                ClassifierConfig.APPLICATION_ID, applicationId,
                ClassifierConfig.STATE_DIR, stateDir.toString(),
                ClassifierConfig.HTTP_PORT, "0",
                // A killed member holds its partitions until its session expires: 6 s (the broker's
                // minimum) instead of 45 s keeps the test short.
                ClassifierConfig.STREAMS_PREFIX + "SESSION_TIMEOUT_MS", "6000",
                ClassifierConfig.STREAMS_PREFIX + "HEARTBEAT_INTERVAL_MS", "2000"));
        return environment;
    }
}
