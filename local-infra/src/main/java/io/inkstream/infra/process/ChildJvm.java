package io.inkstream.infra.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How this module forks a JVM. Options added to every JVM it forks (a service, a forked broker, a Cassandra node), read
 * from the system property {@value #PROPERTY}, space-separated; none when it is unset, as for
 * {@code inkstream up}. The integration tests set it to {@code -XX:TieredStopAtLevel=1}: their
 * forked JVMs live for a few minutes at a few uploads a second, so C2's compiling costs more than
 * its faster code gives back, and with fourteen JVMs on two cores every core-second counts
 * (docs/benchmarks.md, "How long ./mvnw verify takes"). And a command line that keeps a terminal's
 * Ctrl-C away from a child its parent stops in order ({@link #ignoringTerminalSignals}).
 */
public final class ChildJvm {
    public static final String PROPERTY = "inkstream.infra.childJvmOptions";
    private static final Path SHELL = Path.of("/bin/sh");

    private ChildJvm() {
    }

    /** The extra options, in order; empty when the property is unset or blank. */
    public static List<String> options() {
        String options = System.getProperty(PROPERTY, "").strip();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    /**
     * {@code command} run so that a terminal's Ctrl-C and hang-up do not reach it: it starts with SIGINT and SIGHUP
     * ignored, which a JVM keeps ignored, and its parent stops it (SIGTERM) when the parent's own turn comes. Ctrl-C
     * sends SIGINT to the terminal's whole foreground process group, the children of {@code inkstream up} too: its
     * Cassandra node stopped at once, under the sink's last writes and the gateway's last claims. Through
     * {@code /bin/sh}'s {@code exec}, so the process is the command itself (its pid, its exit status); the command as
     * it is where there is no {@code /bin/sh}. Only for a child whose parent stops it when the parent ends (a shutdown
     * hook), or it would outlive a Ctrl-C.
     */
    public static List<String> ignoringTerminalSignals(List<String> command) {
        if (!Files.isExecutable(SHELL)) {
            return command;
        }
        List<String> shielded = new ArrayList<>(List.of(SHELL.toString(), "-c", "trap '' INT HUP; exec \"$@\"", "child-jvm"));
        shielded.addAll(command);
        return shielded;
    }
}
