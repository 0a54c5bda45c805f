package io.inkstream.gateway.http;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.RejectionReason;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;

/**
 * An expected failure of a request, answered as {@code {"error": code, "detail": sentence}} with
 * its status. Thrown by handlers; one exception handler writes it.
 *
 * @param retryAfterSeconds sent as {@code Retry-After} (503s)
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final transient Optional<Integer> retryAfterSeconds;

    public ApiProblem(int status, String error, String detail, Optional<Integer> retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiProblem(int status, String error, String detail) {
        this(status, error, detail, Optional.empty());
    }

    /**
     * A body that could not be read: 408 {@code body-too-slow} when it came too slowly or not at all (Jetty's minimum data
     * rate, its idle timeout), 400 {@code unreadable-body} otherwise (cut short). Either was answered 500 or 400
     * {@code malformed-multipart} before, depending on the endpoint.
     */
    public static ApiProblem unreadableBody(Throwable e) {
        return tooSlow(e).orElseGet(() -> new ApiProblem(400, "unreadable-body", "the request body could not be read: " + e.getMessage()));
    }

    /** 408 {@code body-too-slow}, if that is why a body could not be read. */
    static Optional<ApiProblem> tooSlow(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof BadMessageException bad && bad.getCode() == 408) {
                return Optional.of(new ApiProblem(408, "body-too-slow", "the request body came too slowly: " + cause.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** An image refusal: its reason's code (the same the classifier writes into a dead letter) with the status HTTP gives it. */
    public static ApiProblem rejected(ImageRejectedException e, String where) {
        return new ApiProblem(status(e.reason()), e.reason().code(), e.getMessage() + where);
    }

    /** 413 for too many bytes, 415 for a format not read, 422 for an image that was read and cannot be classified. */
    public static int status(RejectionReason reason) {
        return switch (reason) {
            case MISSING_ID, INVALID_ID, HEADERS_TOO_LARGE, EMPTY -> 400;
            case TOO_LARGE -> 413;
            case UNKNOWN_FORMAT -> 415;
            case DIMENSIONS_TOO_LARGE, TOO_MANY_SCANS, UNDECODABLE, NO_INK -> 422;
        };
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Optional<Integer> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The JSON body. */
    public record Body(String error, String detail) {
    }
}
