package io.inkstream.contract.role;

/** A record on the model-roles topic that names no role or no version this build can use. */
public final class InvalidModelRoleException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidModelRoleException(String message) {
        super(message);
    }
}
