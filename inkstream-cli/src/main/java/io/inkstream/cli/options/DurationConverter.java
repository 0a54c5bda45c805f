package io.inkstream.cli.options;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Every duration option of the command line: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h} and their sums
 * ({@code 1m30s}, {@code 2h15m}) as people type them, and ISO-8601 ({@code PT30S}) as scripts written before still do.
 * Never negative: every duration the commands take is how long to do something.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    /** Units largest first, each at most once: what {@code wrk}, {@code hey} and Go's {@code time.ParseDuration} read. */
    private static final Pattern SHORT = Pattern.compile("(?:(\\d{1,9})h)?(?:(\\d{1,9})m(?!s))?(?:(\\d{1,9})s)?(?:(\\d{1,9})ms)?");

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Matcher shortForm = SHORT.matcher(text);
        if (!text.isEmpty() && shortForm.matches()) {
            return Duration.ofHours(amount(shortForm, 1)).plusMinutes(amount(shortForm, 2)).plusSeconds(amount(shortForm, 3))
                    .plusMillis(amount(shortForm, 4));
        }
        Duration iso;
        try {
            iso = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: write it as 30s, 500ms, 2m, 1h, 1m30s or ISO-8601 (PT30S)");
        }
        if (iso.isNegative()) {
            throw new TypeConversionException("'" + value + "' is a negative duration: write how long, as 30s or PT30S");
        }
        return iso;
    }

    private static long amount(Matcher matcher, int group) {
        return matcher.group(group) == null ? 0 : Long.parseLong(matcher.group(group));
    }
}
