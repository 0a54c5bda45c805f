package io.inkstream.ops.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A log message on one line, whatever it quotes. The services log what arrives from outside: a refused model's key
 * and the entry names of its archive, an image id, a parser's reason quoting what it could not read. A line break in
 * one of those would start a line that reads as the service's own event ({@code model registered version=...}), and a
 * terminal's control sequence would act on the terminal of the operator reading the log. So every control character,
 * line or paragraph separator and bidirectional override is written as an escape ({@code \n}, {@code \r},
 * {@code \u001b}, {@code \u202e}): one event stays one line, and what arrived can still be read exactly. Tabs stay.
 * And a message is cut at {@value #MAX_CHARACTERS} characters: a record's key can be a megabyte, and a log line
 * should not be. {@code logback.xml} uses it as {@code %oneLineMsg}.
 */
public final class OneLineMessageConverter extends ClassicConverter {
    /** The most of a message a line shows; the longest the services write of their own is a few hundred. */
    public static final int MAX_CHARACTERS = 8_192;

    @Override
    public String convert(ILoggingEvent event) {
        return escaped(event.getFormattedMessage());
    }

    /**
     * {@code message} with every character that could break or rewrite a log line escaped, cut after
     * {@link #MAX_CHARACTERS} characters; itself when there is nothing to do.
     */
    public static String escaped(String message) {
        if (message == null) {
            return "null";
        }
        if (message.length() > MAX_CHARACTERS) {
            int kept = Character.isHighSurrogate(message.charAt(MAX_CHARACTERS - 1)) ? MAX_CHARACTERS - 1 : MAX_CHARACTERS;
            return escaped(message.substring(0, kept)) + "... (" + (message.length() - kept) + " more characters)";
        }
        int first = 0;
        while (first < message.length() && !needsEscape(message.charAt(first))) {
            first++;
        }
        if (first == message.length()) {
            return message;
        }
        StringBuilder line = new StringBuilder(message.length() + 16).append(message, 0, first);
        for (int i = first; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                line.append("\\n");
            } else if (c == '\r') {
                line.append("\\r");
            } else if (needsEscape(c)) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }

    private static boolean needsEscape(char c) {
        if (c == '\t') {
            return false;
        }
        switch (Character.getType(c)) {
            case Character.CONTROL:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return true;
            default:
                return isBidiControl(c);
        }
    }

    /** The marks that reorder how the rest of a line is shown (embeddings, overrides, isolates, the implicit marks). */
    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
