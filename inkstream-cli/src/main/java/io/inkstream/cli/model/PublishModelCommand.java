package io.inkstream.cli.model;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.cli.kafka.KafkaOption;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ModelSigningKey;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish-model", mixinStandardHelpOptions = true,
        description = {"Validates a model artifact and publishes it to the compacted models topic, keyed by its version.",
                "Running classifiers switch to it at their next batch unless pinned to another version."})
public final class PublishModelCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Artifact artifact;

    static final class Artifact {
        @Parameters(paramLabel = "ARTIFACT", description = "The model zip written by 'inkstream train'.")
        Path file;

        @Option(names = "--shipped", paramLabel = "DEFAULT|V2", description = "A model shipped with Inkstream: ${COMPLETION-CANDIDATES}.")
        ShippedModels shipped;
    }

    @Option(names = "--sign-key", paramLabel = "KEY", description = {"Sign the artifact with this private key (NAME.key from 'inkstream keys')",
            "before publishing, replacing any signature it had."})
    Path signKey;

    @Override
    public Integer call() throws Exception {
        byte[] bytes = artifact.file != null ? Files.readAllBytes(artifact.file) : artifact.shipped.bytes();
        if (signKey != null) {
            bytes = ModelArtifact.sign(bytes, ModelSigningKey.read(signKey));
        }
        String version = ModelPublisher.publish(kafka.clientProperties(), bytes);
        System.out.println("published " + version + " to " + kafka.bootstrap());
        return 0;
    }
}
