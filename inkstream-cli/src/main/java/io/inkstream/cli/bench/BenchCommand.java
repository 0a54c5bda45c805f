package io.inkstream.cli.bench;

import picocli.CommandLine.Command;

/** {@code inkstream bench …}: benchmarks that print a table and end with a one-line summary. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Each prints a table and ends with one summary line, for comparing runs over time.",
        subcommands = {ModelBenchCommand.class, ClassifierBenchCommand.class, SinkBenchCommand.class, GatewayBenchCommand.class,
                PipelineBenchCommand.class})
public final class BenchCommand {
}
