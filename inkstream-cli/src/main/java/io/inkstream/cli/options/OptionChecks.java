package io.inkstream.cli.options;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What an option's type cannot say: a count of at least one, a duration longer than nothing. Checked first thing in a
 * command, so that {@code bench pipeline --rate 0} is a usage error (exit 2) naming the option, before a private stack
 * is started (about 30 s) for a rate nothing can run at.
 */
public final class OptionChecks {
    private OptionChecks() {
    }

    public static void atLeast(CommandSpec spec, String option, long value, long least) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + least + ", not " + value);
        }
    }

    public static void atLeast(CommandSpec spec, String option, Duration value, Duration least) {
        if (value.compareTo(least) < 0) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + least + ", not " + value);
        }
    }

    public static void longerThanNothing(CommandSpec spec, String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(spec.commandLine(), option + " must be longer than nothing, not " + value);
        }
    }
}
