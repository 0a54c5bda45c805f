package io.inkstream.cli.model;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.cli.kafka.KafkaOption;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish-model", mixinStandardHelpOptions = true,
        header = "Validates a model artifact and publishes it to the models topic.",
        description = "Validates a model artifact and publishes it to the compacted models topic, keyed by its version.%n"
                + "Running classifiers switch to it at their next batch unless pinned to another version.")
public final class PublishModelCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Artifact artifact;

    static final class Artifact {
        @Parameters(paramLabel = "ARTIFACT", description = "The model zip written by 'inkstream train'.")
        Path file;

        @Option(names = "--shipped", paramLabel = "NAME", description = "A model shipped with Inkstream: ${COMPLETION-CANDIDATES} (DEFAULT is V3).")
        ShippedModels shipped;
    }

    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() throws Exception {
        byte[] bytes = artifact.file != null ? ModelArtifact.bytes(artifact.file) : artifact.shipped.bytes();
        // A key named on the command line signs (replacing any signature); by default only an unsigned artifact is signed,
        // so a shipped model keeps the project's signature.
        if (signing.explicit() || !ArtifactFormat.isSigned(bytes)) {
            Optional<ModelSigningKey> key = signing.key();
            if (key.isPresent()) {
                bytes = ArtifactFormat.sign(bytes, key.get());
            }
        }
        String version = ModelPublisher.publish(kafka.clientProperties(), bytes);
        System.out.println("published " + version + " to " + kafka.bootstrap());
        return 0;
    }
}
