package io.inkstream.cli.bench;

import io.inkstream.cli.options.OptionChecks;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.LocalKafka;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "The sink's predictions/s against a bare loop of the same Cassandra writes (the ceiling), on the same node.%n"
                + "Starts a private embedded broker and Cassandra node (about 20 s).%n"
                + "Ends with: sink-bench sink=... ceiling=...")
public final class SinkBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--predictions", defaultValue = "50000", description = "Predictions per measurement (default: ${DEFAULT-VALUE}).")
    int predictions;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--predictions", predictions, 1);
        try (LocalKafka kafka = LocalKafka.start(); LocalCassandra cassandra = LocalCassandra.start()) {
            new SinkBenchmark(kafka.bootstrapServers(), cassandra.contactPoint(), predictions, System.out).run();
        }
        return 0;
    }
}
