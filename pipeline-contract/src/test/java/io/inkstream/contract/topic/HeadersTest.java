package io.inkstream.contract.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One rule for a true digit, read by the gateway from people and by the classifier from producers' headers. */
class HeadersTest {
    @Test
    void aLabelIsOneAsciiDigit() {
        for (int digit = 0; digit <= 9; digit++) {
            assertThat(Headers.label(Integer.toString(digit))).isEqualTo(OptionalInt.of(digit));
        }
        assertThat(Headers.label(" 7\n")).isEqualTo(OptionalInt.of(7));
    }

    @Test
    void nothingElseIs() {
        // Character.isDigit accepts each of the last four; '\u0663' - '0' was once taken as label 1587.
        for (String text : new String[] {"", " ", "10", "-1", "07", "7.0", "a", "\u0663", "\uFF17", "\u0967", "\uD835\uDFD5"}) {
            assertThat(Headers.label(text)).as("\"%s\"", text).isEmpty();
        }
    }
}
