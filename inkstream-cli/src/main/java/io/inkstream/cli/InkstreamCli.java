package io.inkstream.cli;

import io.inkstream.cli.bench.BenchCommand;
import io.inkstream.cli.kafka.KafkaAclsCommand;
import io.inkstream.cli.model.ClassifyCommand;
import io.inkstream.cli.model.EvaluateCommand;
import io.inkstream.cli.model.KeysCommand;
import io.inkstream.cli.model.PromoteCommand;
import io.inkstream.cli.model.PublishModelCommand;
import io.inkstream.cli.model.ReclassifyCommand;
import io.inkstream.cli.model.ShadowCommand;
import io.inkstream.cli.model.TrainCommand;
import io.inkstream.cli.options.DurationConverter;
import io.inkstream.cli.produce.ProduceCommand;
import io.inkstream.cli.stack.RunCommand;
import io.inkstream.cli.stack.UpCommand;
import io.inkstream.cli.store.CassandraRolesCommand;
import io.inkstream.cli.store.PredictionsCommand;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code inkstream}: one entry point for operators and developers. */
@Command(name = "inkstream",
        mixinStandardHelpOptions = true,
        versionProvider = InkstreamCli.Version.class,
        description = "Handwritten digits, classified as a stream.",
        subcommands = {UpCommand.class, RunCommand.class, TrainCommand.class, EvaluateCommand.class, ClassifyCommand.class, PublishModelCommand.class, KeysCommand.class,
                ReclassifyCommand.class, ShadowCommand.class, PromoteCommand.class, ProduceCommand.class, KafkaAclsCommand.class, CassandraRolesCommand.class, PredictionsCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class InkstreamCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its converters and handlers: what {@link #run} executes, and what tests parse with. */
    static CommandLine commandLine() {
        return new CommandLine(new InkstreamCli())
                .registerConverter(Duration.class, new DurationConverter())
                // Lets an option's lower-case words (--images drawings) name its enum's constants.
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new CliErrorHandler());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = InkstreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"inkstream " + (version == null ? "development build" : version)};
        }
    }
}
