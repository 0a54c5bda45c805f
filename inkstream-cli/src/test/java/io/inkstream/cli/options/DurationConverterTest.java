package io.inkstream.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsDurationsAsPeopleTypeThem() {
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert(" 45S ")).isEqualTo(Duration.ofSeconds(45));
        assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("2h15m")).isEqualTo(Duration.ofMinutes(135));
        assertThat(converter.convert("1s500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsIso8601AsBefore() {
        assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatIsNotADurationWithTheFormsItTakes() {
        for (String wrong : new String[] {"", "30", "s30", "30 sec", "-5s", "30d", "1.5s", "30s1m", "1m1m", "1h 30m", "PT-5S"}) {
            assertThatThrownBy(() -> converter.convert(wrong)).as(wrong)
                    .isInstanceOf(TypeConversionException.class).hasMessageContaining("30s");
        }
    }
}
