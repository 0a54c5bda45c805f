package io.inkstream.gateway.publish;

/**
 * The broker did not acknowledge an upload in time (unreachable, no leader, the send buffer
 * full). The client is told to retry; with the same {@code Idempotency-Key} a retry cannot
 * duplicate an image that was in fact written.
 */
public final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
