package io.inkstream.classifier.it;

import io.inkstream.classifier.ClassifierConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment of a classifier run in a child JVM ({@code ServiceProcess}) by the crash test. */
final class ClassifierProcess {
    static final String MAIN = "io.inkstream.classifier.Main";

    private ClassifierProcess() {
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
