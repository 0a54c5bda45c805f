package io.inkstream.cli.model;

import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --model FILE|NAME}: an artifact to use instead of the model shipped as the default, or another shipped model by name. */
public final class ModelOption {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE|NAME",
            description = "Model artifact (zip), or a model shipped with Inkstream by name: seed (the original 784-64-32-10), v2, v3. "
                    + "Default: the shipped default, v3.")
    Path model;

    public ModelArtifact load() throws ModelArtifactException {
        return ModelArtifact.read(bytes());
    }

    /** The artifact's bytes: the file's, or a shipped model's when no such file exists and the text names one. */
    public byte[] bytes() throws ModelArtifactException {
        if (model == null) {
            return ShippedModels.DEFAULT.bytes();
        }
        Optional<ShippedModels> shipped = ShippedModels.named(model.toString());
        if (shipped.isPresent() && !Files.exists(model)) {
            return shipped.get().bytes();
        }
        try {
            return ModelArtifact.bytes(model);
        } catch (ModelArtifactException e) {
            // A file that could not be read may have been meant as a shipped model's name.
            if (e.getCause() instanceof IOException) {
                throw new ModelArtifactException(e.getMessage() + " (a shipped model is named seed, v2 or v3)", e);
            }
            throw e;
        }
    }
}
