package io.inkstream.cli.model;

import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model FILE}: an artifact to use instead of the model shipped in the jar. */
public final class ModelOption {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "Model artifact (zip). Default: the model shipped with Inkstream.")
    Path model;

    public ModelArtifact load() throws ModelArtifactException {
        return model == null ? ShippedModels.DEFAULT.load() : ModelArtifact.read(model);
    }
}
