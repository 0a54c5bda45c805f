package io.inkstream.contract.rejection;

/**
 * Why an image was refused. One list for the whole pipeline: the gateway answers with
 * {@link #httpStatus()}, the classifier writes {@link #code()} into the dead-letter headers.
 */
public enum RejectionReason {
    MISSING_ID("missing-id", 400),
    EMPTY("empty", 400),
    TOO_LARGE("too-large", 413),
    UNKNOWN_FORMAT("unknown-format", 415),
    DIMENSIONS_TOO_LARGE("dimensions-too-large", 422),
    UNDECODABLE("undecodable", 422),
    NO_INK("no-ink", 422);

    private final String code;
    private final int httpStatus;

    RejectionReason(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** A stable, lower-case identifier for headers, JSON bodies and metrics. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
