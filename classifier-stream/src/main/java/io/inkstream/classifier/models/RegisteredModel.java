package io.inkstream.classifier.models;

import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.network.DigitClassifier;
import java.time.Duration;

/** A validated model artifact. Holds bytes, not a network: each stream thread builds its own. */
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

    /**
     * Builds this model's network and classifies one blank image with it, on the calling thread, and returns how long that
     * took. ND4J loads its native backend (OpenBLAS, through JavaCPP) when a JVM builds its first network: seconds on a busy
     * machine. A service calls this before its stream starts, so that no transaction is open while it happens: the first
     * batch paid it otherwise, and on a slow machine that outlasted the transaction timeout (6 s), the broker aborted the
     * transaction under it, and its commit then failed (docs/robustness.md, "the first batch").
     */
    public Duration warmUp() {
        long started = System.nanoTime();
        newClassifier().classify(new float[Architecture.INPUTS]);
        return Duration.ofNanos(System.nanoTime() - started);
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
