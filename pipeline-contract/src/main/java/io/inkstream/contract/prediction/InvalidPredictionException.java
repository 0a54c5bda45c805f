package io.inkstream.contract.prediction;

/** Bytes on the predictions topic that are not a prediction this build can use. */
public final class InvalidPredictionException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPredictionException(String message) {
        super(message);
    }
}
