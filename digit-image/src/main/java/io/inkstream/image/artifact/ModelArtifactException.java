package io.inkstream.image.artifact;

/** A model artifact that cannot be used: not a zip, parts missing, corrupt, or made for another input. */
public final class ModelArtifactException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelArtifactException(String message) {
        super(message);
    }

    public ModelArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
