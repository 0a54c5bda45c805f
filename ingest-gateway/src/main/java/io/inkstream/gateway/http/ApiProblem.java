package io.inkstream.gateway.http;

import io.inkstream.contract.rejection.ImageRejectedException;
import java.util.Optional;

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

    /** The image refusal's own status and code: the same reason the classifier writes into a dead letter. */
    public static ApiProblem rejected(ImageRejectedException e, String where) {
        return new ApiProblem(e.reason().httpStatus(), e.reason().code(), e.getMessage() + where);
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
