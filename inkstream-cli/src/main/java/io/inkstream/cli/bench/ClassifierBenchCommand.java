package io.inkstream.cli.bench;

import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.cli.model.ModelOption;
import io.inkstream.cli.options.OptionChecks;
import io.inkstream.infra.kafka.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "classifier", mixinStandardHelpOptions = true,
        header = "The classifier on a real broker: per-record vs micro-batched vs pass-through, in images/s.",
        description = "The classifier on a real broker: per-record model calls vs micro-batched (alone and with a shadow model) vs "
                + "pass-through, in images/s.%n"
                + "Starts a private embedded broker unless --bootstrap is given.%n"
                + "Also prints what the model call alone costs an image, and so the most the ratios can be with that model.%n"
                + "Ends with: classifier-bench batched=... per-record=... passthrough=... shadowed=... model_us=...")
public final class ClassifierBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", defaultValue = "50000", description = "Images to push through each topology (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of a private embedded broker. It must not carry other traffic on the images topic.")
    String bootstrap;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--images", images, 1);
        RegisteredModel measured = RegisteredModel.from(model.bytes());
        Path state = Files.createTempDirectory("inkstream-bench-");
        if (bootstrap != null) {
            new ClassifierBenchmark(bootstrap, measured, images, state, System.out).run();
            return 0;
        }
        try (LocalKafka kafka = LocalKafka.start()) {
            new ClassifierBenchmark(kafka.bootstrapServers(), measured, images, state, System.out).run();
        }
        return 0;
    }
}
