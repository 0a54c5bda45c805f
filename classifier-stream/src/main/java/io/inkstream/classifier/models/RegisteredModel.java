package io.inkstream.classifier.models;

import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.network.DigitClassifier;

/** A validated model artifact. Holds bytes, not a network: each stream task loads its own copy. */
public record RegisteredModel(ModelMetadata metadata, byte[] artifact) {

    /** Validates the artifact and keeps its bytes, whoever signed it: for the jar's own and an operator's files. */
    public static RegisteredModel from(byte[] artifact) throws ModelArtifactException {
        return from(artifact, ModelTrust.anySigner());
    }

    /**
     * Validates the artifact, signed as {@code trust} requires, and keeps its bytes. Every check
     * runs ({@link ModelArtifact#readMetadata(byte[], ModelTrust)}), without building a network that
     * would be thrown away: each stream thread builds its own from these bytes.
     */
    public static RegisteredModel from(byte[] artifact, ModelTrust trust) throws ModelArtifactException {
        return new RegisteredModel(ArtifactFormat.readMetadata(artifact, trust), artifact);
    }

    public String version() {
        return metadata.version();
    }

    /** A fresh network for the calling thread (DL4J networks are not thread-safe). */
    public DigitClassifier newClassifier() {
        try {
            return ModelArtifact.read(artifact).classifier();
        } catch (ModelArtifactException e) {
            throw new IllegalStateException("model " + version() + " was valid when registered: " + e.getMessage(), e);
        }
    }
}
