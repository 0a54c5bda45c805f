package io.inkstream.infra;

/**
 * A broker or a database node could not be set up. The message always names the cause a person
 * can act on (a port in use, a directory that cannot be written, the tail of the node's log).
 */
public final class InfrastructureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
