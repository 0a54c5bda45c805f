package io.inkstream.cli.model;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.cli.kafka.KafkaOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "publish-model", mixinStandardHelpOptions = true,
        description = {"Validates a model artifact and publishes it to the compacted models topic, keyed by its version.",
                "Running classifiers switch to it at their next batch unless pinned to another version."})
public final class PublishModelCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Parameters(paramLabel = "ARTIFACT", description = "The model zip written by 'inkstream train'.")
    Path artifact;

    @Override
    public Integer call() throws Exception {
        String version = ModelPublisher.publish(kafka.clientProperties(), Files.readAllBytes(artifact));
        System.out.println("published " + version + " to " + kafka.bootstrap());
        return 0;
    }
}
