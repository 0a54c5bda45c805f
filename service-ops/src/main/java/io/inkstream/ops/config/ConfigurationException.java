package io.inkstream.ops.config;

/** A configuration value that cannot be used; the message names the variable. */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
