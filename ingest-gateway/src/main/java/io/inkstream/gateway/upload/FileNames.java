package io.inkstream.gateway.upload;

import java.util.Optional;

/**
 * Client file names are display text, never paths: the gateway keeps the last path segment,
 * without control characters, at most {@value #MAX_LENGTH} characters, as a header for people
 * to read. Nothing is ever opened or written under that name.
 */
public final class FileNames {
    static final int MAX_LENGTH = 200;

    private FileNames() {
    }

    public static Optional<String> sanitise(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder clean = new StringBuilder();
        base.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .limit(MAX_LENGTH)
                .forEach(clean::appendCodePoint);
        String result = clean.toString().strip();
        return result.isEmpty() || result.equals(".") || result.equals("..") ? Optional.empty() : Optional.of(result);
    }
}
