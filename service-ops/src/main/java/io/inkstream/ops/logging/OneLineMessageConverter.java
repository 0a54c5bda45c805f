package io.inkstream.ops.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.inkstream.ops.OneLine;

/**
 * A log message on one line, whatever it quotes. The services log what arrives from outside: a refused model's key
 * and the entry names of its archive, an image id, a parser's reason quoting what it could not read. A line break in
 * one of those would start a line that reads as the service's own event ({@code model registered version=...}), and a
 * terminal's control sequence would act on the terminal of the operator reading the log: the message is written
 * {@link OneLine#of escaped}, so one event stays one line and what arrived can still be read exactly. And it is cut at
 * {@value #MAX_CHARACTERS} characters: a record's key can be a megabyte, and a log line should not be.
 * {@code logback.xml} uses it as {@code %oneLineMsg}.
 */
public final class OneLineMessageConverter extends ClassicConverter {
    /** The most of a message a line shows; the longest the services write of their own is a few hundred. */
    public static final int MAX_CHARACTERS = 8_192;

    @Override
    public String convert(ILoggingEvent event) {
        return line(event.getFormattedMessage());
    }

    /** {@code message} as a log line shows it: escaped, and cut after {@link #MAX_CHARACTERS} characters. */
    public static String line(String message) {
        if (message != null && message.length() > MAX_CHARACTERS) {
            int kept = Character.isHighSurrogate(message.charAt(MAX_CHARACTERS - 1)) ? MAX_CHARACTERS - 1 : MAX_CHARACTERS;
            return OneLine.of(message.substring(0, kept)) + "... (" + (message.length() - kept) + " more characters)";
        }
        return OneLine.of(message);
    }
}
