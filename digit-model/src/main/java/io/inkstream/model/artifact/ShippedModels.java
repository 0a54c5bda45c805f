package io.inkstream.model.artifact;

import io.inkstream.image.artifact.ModelArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The models shipped in this jar, each trained on the 50,000 training digits with the command in
 * {@code docs/model.md} and signed by the project's key ({@link io.inkstream.image.artifact.ModelTrust#projectKey()}):
 * the original system's architecture ({@link #SEED}), a stronger v2 used to show reclassification,
 * and v3, the best on the real-world evaluation, which is the {@link #DEFAULT}: what a fresh
 * deployment publishes and uses, and what the CLI's commands read without {@code --model}.
 */
public enum ShippedModels {
    SEED("/io/inkstream/model/artifact/seed-model.zip"),
    V2("/io/inkstream/model/artifact/v2-model.zip"),
    V3("/io/inkstream/model/artifact/v3-model.zip"),
    /** The best of the shipped models by {@code inkstream evaluate --real-world}; the same bytes as that model. */
    DEFAULT(V3.resource);

    private final String resource;

    ShippedModels(String resource) {
        this.resource = resource;
    }

    /** A shipped model by its name as people type it ({@code seed}, {@code v2}, {@code v3}, {@code default}), any case. */
    public static Optional<ShippedModels> named(String name) {
        for (ShippedModels model : values()) {
            if (model.name().equalsIgnoreCase(name.strip())) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }

    public byte[] bytes() {
        try (InputStream in = ShippedModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the digit-model jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ModelArtifact load() {
        try {
            return ModelArtifact.read(bytes());
        } catch (ModelArtifactException e) {
            throw new IllegalStateException("the shipped model " + resource + " is broken: " + e.getMessage(), e);
        }
    }
}
