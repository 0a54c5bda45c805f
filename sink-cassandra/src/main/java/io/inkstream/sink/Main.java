package io.inkstream.sink;

import io.inkstream.ops.ServiceCommand;
import io.inkstream.ops.config.Environment;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One sink instance: the container's entry point and {@code inkstream run sink}. */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one sink instance, writing predictions from any Kafka cluster into any Cassandra ring; "
                + "instances in the same group share the predictions topic's partitions. Each option stands for the "
                + "variable named in its description and wins over it; every other INKSTREAM_SINK_*, "
                + "INKSTREAM_CASSANDRA_* and INKSTREAM_KAFKA_* variable is read as documented (the password only from "
                + "INKSTREAM_CASSANDRA_PASSWORD). SIGTERM or Ctrl-C stops it cleanly.")
public final class Main extends ServiceCommand {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (INKSTREAM_KAFKA_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--cassandra", paramLabel = "HOST:PORT[,...]", description = "Cassandra contact points (INKSTREAM_CASSANDRA_CONTACT_POINTS).")
    String cassandra;

    @Option(names = "--local-dc", paramLabel = "NAME", description = "Cassandra's local datacenter (INKSTREAM_CASSANDRA_LOCAL_DC).")
    String localDatacenter;

    @Option(names = "--http-host", paramLabel = "ADDRESS", description = "Interface /health and /metrics listen on (INKSTREAM_SINK_HTTP_HOST).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = "/health and /metrics (INKSTREAM_SINK_HTTP_PORT); 0 picks a free port.")
    Integer httpPort;

    @Option(names = "--group", paramLabel = "ID", description = "Consumer group: its committed offsets are the sink's progress (INKSTREAM_SINK_GROUP_ID).")
    String group;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Static group membership: a restart under the same id takes its partitions back at once; unique per instance (INKSTREAM_SINK_INSTANCE_ID).")
    String instanceId;

    public Main() {
    }

    public static void main(String[] args) {
        ServiceCommand.main(new Main(), args);
    }

    @Override
    protected String name() {
        return "sink";
    }

    @Override
    protected Map<String, String> options() {
        return new Options().put(SinkConfig.BOOTSTRAP, bootstrap).put(SinkConfig.CONTACT_POINTS, cassandra)
                .put(SinkConfig.LOCAL_DC, localDatacenter).put(SinkConfig.HTTP_HOST, httpHost).put(SinkConfig.HTTP_PORT, httpPort)
                .put(SinkConfig.GROUP_ID, group).put(SinkConfig.INSTANCE_ID, instanceId).toMap();
    }

    @Override
    protected AutoCloseable start(Map<String, String> environment) {
        return SinkService.start(SinkConfig.fromEnvironment(new Environment(environment)));
    }
}
