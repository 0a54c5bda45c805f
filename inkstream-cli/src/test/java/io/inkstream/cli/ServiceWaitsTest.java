package io.inkstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.LoopbackPorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceWaitsTest {

    @Test
    void aServiceWhoseJvmExitedFailsAtOnceWithItsCodeAndItsLastWords(@TempDir Path temp) throws Exception {
        Path log = temp.resolve("gateway.log");
        Process exited = new ProcessBuilder("sh", "-c", "echo 'Address already in use'; exit 3").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        exited.waitFor();

        // A port that answers nothing: without the exit seen, this would wait minutes and then fail "did not become healthy".
        assertThatThrownBy(() -> ServiceWaits.awaitHealthy(exited, log, LoopbackPorts.free(), "gateway"))
                .hasMessageContaining("gateway exited (code 3) before it became healthy")
                .hasMessageEndingWith("---\nAddress already in use");
    }

    @Test
    void aFailureEndsWithTheLogsLastLines(@TempDir Path temp) throws Exception {
        Path log = temp.resolve("services.log");
        Files.writeString(log, IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));

        String tail = ServiceWaits.tail(log);

        assertThat(tail).startsWith("\n--- the last 40 lines of " + log + " ---\nline 61\n").endsWith("\nline 100").doesNotContain("line 60\n");
    }

    @Test
    void aLongLogIsReadFromItsEndOnly(@TempDir Path temp) throws Exception {
        Path log = temp.resolve("services.log");
        // 3 lines of 64 KiB (longer than what is read), then 2 short ones: the cut line is left out, not shown in part.
        String wide = "x".repeat(64 << 10);
        Files.writeString(log, wide + "\n" + wide + "\n" + wide + "\nstopping\nstopped\n", StandardCharsets.UTF_8);

        assertThat(ServiceWaits.tail(log)).endsWith("---\nstopping\nstopped").contains("the last 2 lines");
    }

    @Test
    void aSuitesOwnFailureGainsTheLogsEndOnceAndKeepsWhereItFailed(@TempDir Path temp) throws Exception {
        Path log = temp.resolve("services.log");
        Files.writeString(log, "sink started\nsink stopped\n");
        AssertionError failed = new AssertionError("the backlog did not drain within PT1M: 12 pending");

        AssertionError explained = ServiceWaits.withLogTail(failed, log);

        assertThat(explained).hasMessage("the backlog did not drain within PT1M: 12 pending\n--- the last 2 lines of " + log
                + " ---\nsink started\nsink stopped");
        assertThat(explained.getStackTrace()).isEqualTo(failed.getStackTrace());
        assertThat(ServiceWaits.withLogTail(explained, log)).isSameAs(explained);
    }

    @Test
    void aMissingLogIsSaidToBeMissing(@TempDir Path temp) {
        assertThat(ServiceWaits.tail(temp.resolve("none.log"))).isEqualTo("\n(no log at " + temp.resolve("none.log") + ")");
    }
}
