package io.inkstream.cli.model;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.reclassify.ReclassifyRun;
import io.inkstream.classifier.reclassify.ReclassifySummary;
import io.inkstream.cli.ConsoleProgress;
import io.inkstream.cli.kafka.KafkaOption;
import io.inkstream.cli.options.OptionChecks;
import io.inkstream.ops.config.Environment;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reclassify", mixinStandardHelpOptions = true,
        header = "Replays the images topic through one model and prints its agreement and accuracy.",
        description = "Replays the images topic through the classifier pinned to one model, until caught up, and prints "
                + "how many images it classified, its agreement with the model before it, and accuracy where labels are known.%n"
                + "Running it again for the same model resumes where it stopped and writes nothing twice.")
public final class ReclassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOption kafka;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "VERSION", description = "The model version (published first).")
    String model;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Start at this ISO-8601 instant instead of the beginning (first run only).")
    Instant from;

    @Option(names = "--run-name", paramLabel = "NAME",
            description = "A separate run of the same model, with its own progress (e.g. to start again from another --from).")
    String runName;

    @Mixin
    TrustOption trust;

    @Option(names = "--timeout", defaultValue = "1h", paramLabel = "DURATION", description = "Give up when not caught up by then: 30m, 1h or ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        OptionChecks.longerThanNothing(spec, "--timeout", timeout);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put(ClassifierConfig.BOOTSTRAP, kafka.bootstrap());
        // The classifier's own settings (batch sizes, ...), on --bootstrap, logged in as --kafka-config and INKSTREAM_KAFKA_CLIENT_* say.
        ClassifierConfig config = ClassifierConfig.fromEnvironment(new Environment(environment))
                .withKafkaClient(kafka.sharedSettings())
                .withModelTrust(trust.trust())
                .withHttpPort(0)
                .withStateDir(Files.createTempDirectory("inkstream-reclassify-"));
        ReclassifyRun run = new ReclassifyRun(new ReclassifyRun.Settings(config, model, Optional.ofNullable(from), timeout,
                Optional.ofNullable(runName)));
        try (ProgressBar bar = ConsoleProgress.bar("reclassify " + model, "images")) {
            ReclassifySummary summary = run.run(progress -> {
                bar.maxHint(progress.total());
                bar.stepTo(progress.done());
            });
            bar.close();
            System.out.println(summary.describe());
        }
        return 0;
    }
}
