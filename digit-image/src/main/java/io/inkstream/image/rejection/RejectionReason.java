package io.inkstream.image.rejection;

/**
 * Why an image was refused. One list for the whole pipeline: the classifier writes {@link #code()}
 * into the dead-letter headers, the gateway answers with it and a status of its own choosing
 * ({@code ApiProblem.rejected}).
 */
public enum RejectionReason {
    MISSING_ID("missing-id"),
    INVALID_ID("invalid-id"),
    HEADERS_TOO_LARGE("headers-too-large"),
    EMPTY("empty"),
    TOO_LARGE("too-large"),
    UNKNOWN_FORMAT("unknown-format"),
    DIMENSIONS_TOO_LARGE("dimensions-too-large"),
    TOO_MANY_SCANS("too-many-scans"),
    UNDECODABLE("undecodable"),
    NO_INK("no-ink");

    private final String code;

    RejectionReason(String code) {
        this.code = code;
    }

    /** A stable, lower-case identifier for headers, JSON bodies and metrics. */
    public String code() {
        return code;
    }
}
