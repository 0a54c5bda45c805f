package io.inkstream.infra.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cassandra's server runs in its own JVM: none of its classes may reach this one. */
class CassandraServerIsolationTest {

    @Test
    void noCassandraServerClassIsOnTheTestClasspath() {
        assertThatThrownBy(() -> Class.forName("org.apache.cassandra.service.CassandraDaemon"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(System.getProperty("java.class.path").split(File.pathSeparator))
                .noneMatch(entry -> new File(entry).getName().startsWith("cassandra-all"));
    }

    @Test
    void theForkedNodeGetsTheServerClasspathInstead() {
        String[] entries = LocalCassandra.nodeClasspath().split(File.pathSeparator);
        assertThat(entries).anyMatch(entry -> new File(entry).getName().startsWith("cassandra-all-5.0"));
        assertThat(entries).anyMatch(entry -> new File(entry).getName().startsWith("jamm-"));
    }

    /**
     * The node's clock setting names a property and a class of the Cassandra it runs: a misspelt or renamed one would be
     * ignored with a line in the node's log, and the 2 ms clock task would be back unseen (CassandraClusterIT reads the log).
     */
    @Test
    void thePreciseClockSettingNamesAPropertyAndAClassOfTheNodesCassandra() throws IOException {
        String cassandraAll = Arrays.stream(LocalCassandra.nodeClasspath().split(File.pathSeparator))
                .filter(entry -> new File(entry).getName().startsWith("cassandra-all-")).findFirst().orElseThrow();
        try (JarFile jar = new JarFile(cassandraAll)) {
            assertThat(jar.getEntry(LocalCassandra.PRECISE_CLOCK_CLASS.replace('.', '/') + ".class")).isNotNull();
            String properties;
            try (InputStream in = jar.getInputStream(jar.getEntry("org/apache/cassandra/config/CassandraRelevantProperties.class"))) {
                properties = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertThat(properties).contains(LocalCassandra.APPROXIMATE_CLOCK_PROPERTY);
            assertThat(properties).as("the control: a name it does not know").doesNotContain("cassandra.monotonic_clock.approximate");
        }
    }

    @Test
    void theRecordedClasspathNamesNoMachinesRepositoryAndIsResolvedInTheOneThatRuns(@TempDir Path emptyRepository) throws IOException {
        String recorded;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/inkstream/cassandra-node.classpath")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        assertThat(recorded.split(File.pathSeparator)).as("relative to a repository, not to the build machine's")
                .allMatch(entry -> entry.startsWith(LocalCassandra.REPOSITORY_TOKEN + "/"));
        assertThat(LocalCassandra.nodeClasspath()).doesNotContain(LocalCassandra.REPOSITORY_TOKEN);
        assertThatThrownBy(() -> LocalCassandra.nodeClasspath(recorded, emptyRepository))
                .as("a repository without the jars: the message says which and how to fetch them")
                .hasMessageContaining(emptyRepository.toString())
                .hasMessageContaining("mvn dependency:get -Dartifact=org.apache.cassandra:cassandra-all:5.0.")
                .hasMessageContaining(LocalCassandra.REPOSITORY_VARIABLE);
    }
}
