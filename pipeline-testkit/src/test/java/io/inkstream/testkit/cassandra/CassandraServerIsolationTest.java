package io.inkstream.testkit.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
}
