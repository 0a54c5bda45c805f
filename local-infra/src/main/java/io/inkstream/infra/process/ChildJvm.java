package io.inkstream.infra.process;

import java.util.Arrays;
import java.util.List;

/**
 * Options added to every JVM this module forks (a service, a forked broker, a Cassandra node), read
 * from the system property {@value #PROPERTY}, space-separated; none when it is unset, as for
 * {@code inkstream up}. The integration tests set it to {@code -XX:TieredStopAtLevel=1}: their
 * forked JVMs live for a few minutes at a few uploads a second, so C2's compiling costs more than
 * its faster code gives back, and with fourteen JVMs on two cores every core-second counts
 * (docs/benchmarks.md, "How long ./mvnw verify takes").
 */
public final class ChildJvm {
    public static final String PROPERTY = "inkstream.infra.childJvmOptions";

    private ChildJvm() {
    }

    /** The extra options, in order; empty when the property is unset or blank. */
    public static List<String> options() {
        String options = System.getProperty(PROPERTY, "").strip();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }
}
