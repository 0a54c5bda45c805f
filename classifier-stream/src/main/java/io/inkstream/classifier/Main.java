package io.inkstream.classifier;

import io.inkstream.ops.ServiceCommand;
import io.inkstream.ops.config.Environment;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One classifier instance: the container's entry point and {@code inkstream run classifier}. */
@Command(name = "classifier", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one classifier instance against any Kafka cluster; instances with the same application id share "
                + "the images topic's partitions. Each option stands for the variable named in its description and wins "
                + "over it; every other INKSTREAM_CLASSIFIER_*, INKSTREAM_BATCH_* and INKSTREAM_KAFKA_* variable is "
                + "read as documented. SIGTERM or Ctrl-C stops it cleanly (it leaves the group, so the others take its "
                + "partitions at once).")
public final class Main extends ServiceCommand {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (INKSTREAM_KAFKA_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--http-host", paramLabel = "ADDRESS", description = "Interface /health and /metrics listen on (INKSTREAM_CLASSIFIER_HTTP_HOST).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = "/health and /metrics (INKSTREAM_CLASSIFIER_HTTP_PORT); 0 picks a free port.")
    Integer httpPort;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams' state, one per instance (INKSTREAM_CLASSIFIER_STATE_DIR).")
    Path stateDir;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Static group membership: a restart under the same id takes its partitions back at once; unique per instance (INKSTREAM_CLASSIFIER_INSTANCE_ID).")
    String instanceId;

    @Option(names = "--threads", paramLabel = "N", description = "Stream threads (INKSTREAM_CLASSIFIER_THREADS).")
    Integer threads;

    public Main() {
    }

    public static void main(String[] args) {
        ServiceCommand.main(new Main(), args);
    }

    @Override
    protected String name() {
        return "classifier";
    }

    @Override
    protected Map<String, String> options() {
        return new Options().put(ClassifierConfig.BOOTSTRAP, bootstrap).put(ClassifierConfig.HTTP_HOST, httpHost)
                .put(ClassifierConfig.HTTP_PORT, httpPort).put(ClassifierConfig.STATE_DIR, stateDir)
                .put(ClassifierConfig.INSTANCE_ID, instanceId).put(ClassifierConfig.THREADS, threads).toMap();
    }

    @Override
    protected AutoCloseable start(Map<String, String> environment) {
        return ClassifierService.start(ClassifierConfig.fromEnvironment(new Environment(environment)));
    }
}
