package io.inkstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneLineTest {
    @Test
    void textWithNothingToEscapeIsItself() {
        String text = "gateway started url=http://0.0.0.0:8080/ ids=ä,日本,👍\ttab \\ back";
        assertThat(OneLine.of(text)).isSameAs(text);
    }

    @Test
    void lineBreaksControlsSeparatorsAndBidiMarksAreEscaped() {
        assertThat(OneLine.of("a\nb\rc")).isEqualTo("a\\nb\\rc");
        assertThat(OneLine.of("\u001b[2J\u0000\u007f\u0085")).isEqualTo("\\u001b[2J\\u0000\\u007f\\u0085");
        assertThat(OneLine.of("x\u2028y\u2029z")).isEqualTo("x\\u2028y\\u2029z");
        assertThat(OneLine.of("\u202egnp.exe\u2066\u200f")).isEqualTo("\\u202egnp.exe\\u2066\\u200f");
    }
}
