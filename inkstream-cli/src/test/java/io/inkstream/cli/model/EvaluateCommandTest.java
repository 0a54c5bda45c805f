package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.cli.CliRun;
import io.inkstream.mnist.RealWorldRenders.Condition;
import io.inkstream.mnist.RealWorldRenders.Format;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    Path temp;

    private static CliRun evaluate(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "evaluate";
        System.arraycopy(args, 0, command, 1, args.length);
        return CliRun.of(command);
    }

    @Test
    void theRealWorldEvaluationReportsEveryConditionAndFormatAndEndsWithItsSummaryLine() throws Exception {
        CliRun run = evaluate("--real-world", "--count", "4", "--model", seedModel().toString(), "--save", temp.resolve("renders").toString());

        assertThat(run.exit()).isZero();
        for (Condition condition : Condition.values()) {
            assertThat(run.out()).containsPattern("(?m)^" + condition.id() + " +\\d+/4 ");
            assertThat(temp.resolve("renders").resolve(condition.id())).isDirectoryContaining(file -> file.toString().matches(".*/0000[0-3]-\\d\\.\\w+"));
        }
        for (Format format : Format.values()) {
            assertThat(run.out()).containsPattern("(?m)^" + format.id() + " +\\d+/\\d+ ");
        }
        String[] lines = run.out().strip().split("\n");
        Matcher summary = Pattern.compile("real-world model=(seed-\\w+) accuracy=([\\d.]+) worst=[a-z-]+:[\\d.]+ refused=0 renders=" + Condition.values().length * 4)
                .matcher(lines[lines.length - 1]);
        assertThat(summary.matches()).as(lines[lines.length - 1]).isTrue();
        assertThat(summary.group(1)).isEqualTo(ShippedModels.SEED.load().version());
        // The same seed draws the same pictures: a second run reports the same.
        assertThat(evaluate("--real-world", "--count", "4", "--model", seedModel().toString()).out()).isEqualTo(run.out());
    }

    @Test
    void theOfficialTestDigitsAreTenThousandAndTheDefaultModelReadsAtLeast99PercentOfThem() {
        CliRun defaultModel = evaluate("--test");
        assertThat(defaultModel.exit()).isZero();
        assertThat(defaultModel.out()).startsWith("model " + ShippedModels.DEFAULT.load().version() + " on 10000 digits");
        assertThat(accuracy(defaultModel.out())).isGreaterThanOrEqualTo(99.0);
    }

    @Test
    void digitsAreGivenOneWayAtATime() throws Exception {
        assertThat(evaluate("--test", "--real-world").exit()).isNotZero();
        Path file = Files.writeString(temp.resolve("x.idx"), "");
        assertThat(evaluate("--test", file.toString(), file.toString()).exit()).isNotZero();
    }

    @Test
    void aShippedModelIsNamedAsWellAsGivenByFile() throws Exception {
        for (String name : new String[] {"seed", "V2"}) {
            CliRun run = evaluate("--real-world", "--count", "1", "--model", name);
            assertThat(run.exit()).as(run.out()).isZero();
            String version = ShippedModels.named(name).orElseThrow().load().version();
            assertThat(run.out().strip()).as(name).containsPattern("real-world model=" + version + " accuracy=");
        }
        // A path is read as a file whatever its name (v2's bytes in a file called v3); one that is neither is refused, not defaulted.
        Path v2File = Files.write(temp.resolve("v3"), ShippedModels.V2.bytes());
        assertThat(evaluate("--real-world", "--count", "1", "--model", v2File.toString()).out())
                .contains("real-world model=" + ShippedModels.V2.load().version());
        assertThat(evaluate("--real-world", "--count", "1", "--model", "v9").exit()).isNotZero();
    }

    private Path seedModel() throws Exception {
        Path file = temp.resolve("seed.zip");
        if (!Files.exists(file)) {
            Files.write(file, ShippedModels.SEED.bytes());
        }
        return file;
    }

    private static double accuracy(String report) {
        Matcher matcher = Pattern.compile("accuracy ([\\d.]+)%").matcher(report);
        assertThat(matcher.find()).as(report).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
