package io.inkstream.model.artifact;

import io.inkstream.image.artifact.ModelArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The models shipped in this jar, both trained on the 50,000 training digits with the commands in
 * {@code docs/model.md}: the default (seed architecture), which a fresh deployment publishes and
 * uses, and a stronger v2 for demonstrating and testing reclassification. Both are signed by the
 * project's key ({@link ModelTrust#projectKey()}).
 */
public enum ShippedModels {
    DEFAULT("/io/inkstream/model/artifact/default-model.zip"),
    V2("/io/inkstream/model/artifact/v2-model.zip");

    private final String resource;

    ShippedModels(String resource) {
        this.resource = resource;
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
