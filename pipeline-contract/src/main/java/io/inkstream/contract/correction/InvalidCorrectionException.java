package io.inkstream.contract.correction;

/** Bytes on the corrections topic that are not a correction this build can use. */
public final class InvalidCorrectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidCorrectionException(String message) {
        super(message);
    }
}
