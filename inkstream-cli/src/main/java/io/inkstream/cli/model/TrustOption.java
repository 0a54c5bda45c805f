package io.inkstream.cli.model;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.image.artifact.ModelTrust;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data-dir} of a command that checks models as the classifiers do (reclassify, shadow, promote): the local run's key
 * is trusted besides the project's and {@code INKSTREAM_CLASSIFIER_TRUSTED_KEYS}.
 */
public final class TrustOption {
    @Option(names = "--data-dir", defaultValue = ".inkstream-data", paramLabel = "DIR",
            description = "The local run's data: its model key is trusted besides the project's and " + ClassifierConfig.TRUSTED_KEYS
                    + " (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /** The signers a model must have, as the classifiers of the local run trust them. */
    public ModelTrust trust() {
        return LocalModelKey.trust(System.getenv(ClassifierConfig.TRUSTED_KEYS), dataDir);
    }
}
