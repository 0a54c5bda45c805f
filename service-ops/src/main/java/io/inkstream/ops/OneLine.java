package io.inkstream.ops;

/**
 * Text from outside, made safe to print on one line of a log or of a command's output: every control character, line
 * or paragraph separator and bidirectional mark is written as an escape ({@code \n}, {@code \r}, {@code \u001b},
 * {@code \u202e}); tabs stay. A line break in a record's key or a file's name would otherwise start a line that reads as
 * another event or another result, and a terminal's control sequence would act on the terminal showing it.
 */
public final class OneLine {
    private OneLine() {
    }

    /** {@code text} with every character that could break or rewrite a line escaped; itself when there is none. */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        int first = 0;
        while (first < text.length() && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder line = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
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
