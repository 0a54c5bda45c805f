package io.inkstream.cli.stack;

import picocli.CommandLine.Command;

/**
 * {@code inkstream run gateway|classifier|sink}: one service in this JVM against any cluster, the way an
 * operator runs N of each on N machines. The subcommands are the services' own entry points, so a
 * container (the Dockerfile's targets) takes the same options.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Runs one service against any Kafka cluster and Cassandra ring.",
        description = "Runs one service in this JVM against any Kafka cluster and Cassandra ring (inkstream up runs all of "
                + "them with a broker and a node). The same command, with the same options, is each container's entry "
                + "point.",
        subcommands = {io.inkstream.gateway.Main.class, io.inkstream.classifier.Main.class, io.inkstream.sink.Main.class})
public final class RunCommand {
}
