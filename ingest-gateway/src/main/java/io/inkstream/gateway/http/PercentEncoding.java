package io.inkstream.gateway.http;

import io.inkstream.contract.topic.StrictUtf8;
import java.util.Optional;

/**
 * Whether a URL's path or query carries its text as percent-encoded UTF-8 (RFC 3986), the one way the API reads it. Javalin
 * reads a malformed escape in a query as an empty value ({@code page=%zz} was the first page, {@code model=%zz} the active
 * model) and invalid UTF-8 as U+FFFD ({@code /api/images/%E9} and {@code /api/images/%E8} named the same image): a client
 * that sent either gets a 400 saying so, not another answer than the one it asked for.
 */
final class PercentEncoding {
    private PercentEncoding() {
    }

    /** Why {@code raw}, a URL's path or query as sent, is not percent-encoded UTF-8; empty when it is. */
    static Optional<String> problem(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return Optional.empty();
        }
        // Each run of escapes is checked as UTF-8 text on its own: a character's bytes are escaped together, so a run that
        // is not whole characters cannot be text, whatever stands beside it.
        byte[] run = new byte[raw.length() / 3];
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) != '%') {
                i++;
                continue;
            }
            int start = i;
            int length = 0;
            while (i < raw.length() && raw.charAt(i) == '%') {
                int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(raw.charAt(i + 2));
                if (low < 0) {
                    return Optional.of("the '%' at character " + (i + 1) + " is not followed by two hex digits");
                }
                run[length++] = (byte) (high << 4 | low);
                i += 3;
            }
            if (StrictUtf8.decode(run, 0, length).isEmpty()) {
                return Optional.of("the escapes at character " + (start + 1) + " are not UTF-8 text");
            }
        }
        return Optional.empty();
    }

    /** An ASCII hex digit's value, else -1 (not {@link Character#digit}: it takes a fullwidth '１' for 1). */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
