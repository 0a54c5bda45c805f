package io.inkstream.image.artifact;

/**
 * Anyone's text as a message or a log line shows it: at most so many characters, each control or format character as
 * {@code '?'}. A line break in a record's key or an artifact's entry name would forge a log line, and a bidirectional
 * override (U+202E) would show what follows it reversed, so that a name reads as something else.
 */
final class ShownText {
    private ShownText() {
    }

    /** {@code text} cut to {@code characters} code points, {@code cut} added where it was cut; {@code ""} for null. */
    static String of(String text, int characters, String cut) {
        if (text == null) {
            return "";
        }
        String shown = text.codePoints().limit(characters)
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return text.codePointCount(0, text.length()) > characters ? shown + cut : shown;
    }
}
