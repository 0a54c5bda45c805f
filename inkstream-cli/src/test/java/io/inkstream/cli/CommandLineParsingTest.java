package io.inkstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.cli.bench.Warmup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Options as people type them: parsed by the command line {@code ./inkstream} runs, nothing started. */
class CommandLineParsingTest {

    @Test
    void enumOptionsTakeTheLowerCaseWordsTheHelpShows() {
        assertThat(imagesOf("bench", "pipeline", "--images", "drawings")).isEqualTo("UploadImages.DRAWINGS");
        assertThat(imagesOf("bench", "pipeline", "--images", "Raw")).isEqualTo("UploadImages.RAW");
        assertThat(imagesOf("bench", "pipeline")).isEqualTo("UploadImages.RAW");
    }

    @Test
    void anUnknownWordIsAUsageErrorThatNamesTheChoices() {
        assertThatThrownBy(() -> InkstreamCli.commandLine().parseArgs("bench", "pipeline", "--images", "paintings"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("paintings")
                .hasMessageContaining("DRAWINGS");
        assertThat(InkstreamCli.run("bench", "pipeline", "--images", "paintings")).isEqualTo(CommandLine.ExitCode.USAGE);
    }

    /**
     * A count of nothing or a duration of no time is a usage error naming the option, before anything starts: {@code bench
     * pipeline --rate 0} started a private stack (about 30 s) before anything looked at the rate.
     */
    @Test
    void countsAndDurationsOfNothingAreUsageErrorsBeforeAnythingStarts() {
        String[][] refused = {
                {"bench", "pipeline", "--rate", "0"}, {"bench", "pipeline", "--duration", "0s"},
                {"bench", "pipeline", "--warmup", "PT-5S"}, {"bench", "gateway", "--duration", "500ms"},
                {"bench", "gateway", "--connections", "0"}, {"bench", "gateway", "--rate", "-1"},
                {"bench", "classifier", "--images", "0"}, {"bench", "sink", "--predictions", "0"},
                {"evaluate", "--real-world", "--count", "0"}, {"predictions", "--model", "v3", "--limit", "0"},
                {"reclassify", "--model", "v3", "--timeout", "0s"}};
        for (String[] args : refused) {
            StringWriter err = new StringWriter();
            int exit = InkstreamCli.commandLine().setErr(new PrintWriter(err)).execute(args);
            assertThat(exit).as("%s: %s", String.join(" ", args), err).isEqualTo(CommandLine.ExitCode.USAGE);
            String option = args[args.length - 2];
            assertThat(err.toString().lines().findFirst().orElse("")).as(String.join(" ", args))
                    .containsAnyOf(option + " must be at least", option + " must be longer than nothing", "is a negative duration");
        }
    }

    @Test
    void thePipelineBenchRefusesAGatewayItCannotSpeakToBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        int exit = InkstreamCli.commandLine().setErr(new PrintWriter(err)).execute("bench", "pipeline", "--url", "https://127.0.0.1:8443");
        assertThat(exit).as("%s", err).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--url must be an http:// address, not https://127.0.0.1:8443");
    }

    @Test
    void theGatewayBenchTakesItsDurationAsEveryOtherCommandDoes() {
        assertThat(CommandLineParsingTest.<Duration>optionOf("--duration", "bench", "gateway", "--duration", "1m30s"))
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void thePipelineBenchWarmsUpUntilTheJitSettlesUnlessGivenADuration() {
        assertThat(warmupOf("bench", "pipeline")).isEqualTo(Warmup.AUTO);
        assertThat(warmupOf("bench", "pipeline", "--warmup", "auto")).isEqualTo(Warmup.AUTO);
        assertThat(warmupOf("bench", "pipeline", "--warmup", "1m")).isEqualTo(Warmup.fixed(Duration.ofMinutes(1)));
    }

    private static Warmup warmupOf(String... args) {
        return optionOf("--warmup", args);
    }

    private static String imagesOf(String... args) {
        Object value = optionOf("--images", args);
        return value.getClass().getSimpleName() + "." + value;
    }

    /** The option's value as the command ({@code bench X}) will read it: the converted word, or the converted default. */
    private static <T> T optionOf(String option, String... args) {
        ParseResult command = InkstreamCli.commandLine().parseArgs(args).subcommand().subcommand();
        return command.commandSpec().findOption(option).getValue();
    }
}
