package io.inkstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static String imagesOf(String... args) {
        ParseResult pipeline = InkstreamCli.commandLine().parseArgs(args).subcommand().subcommand();
        // The option's value as the command will read it: the converted word, or the converted default.
        Object value = pipeline.commandSpec().findOption("--images").getValue();
        return value.getClass().getSimpleName() + "." + value;
    }
}
