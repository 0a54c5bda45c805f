package io.inkstream.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.DataDirectory;
import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.LocalKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A set-up that cannot work fails at once, with a message that names the cause. */
class BadSetupIT {

    @TempDir
    Path temp;

    @Test
    void kafkaRefusesAPortInUse() throws IOException {
        try (ServerSocket taken = listening()) {
            assertThatThrownBy(() -> LocalKafka.start(LocalKafka.Settings.defaults().withBrokerPort(taken.getLocalPort())))
                    .isInstanceOf(InfrastructureException.class)
                    .hasMessageContaining("Kafka broker port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void cassandraRefusesAPortInUse() throws IOException {
        try (ServerSocket taken = listening()) {
            assertThatThrownBy(() -> LocalCassandra.start(LocalCassandra.Settings.defaults().withNativePort(taken.getLocalPort())))
                    .isInstanceOf(InfrastructureException.class)
                    .hasMessageContaining("Cassandra CQL port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void kafkaRefusesADataDirectoryItCannotWrite() throws IOException {
        // A directory "inside" a regular file cannot be created, even by root.
        Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
        Path impossible = file.resolve("kafka-data");
        assertThatThrownBy(() -> LocalKafka.start(LocalKafka.Settings.defaults().withDataDir(impossible)))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("data directory " + impossible)
                .hasMessageContaining("not writable");
    }

    @Test
    void cassandraRefusesADataDirectoryItCannotWrite() throws IOException {
        Path file = Files.writeString(temp.resolve("another-file"), "not a directory");
        Path impossible = file.resolve("cassandra-data");
        assertThatThrownBy(() -> LocalCassandra.start(LocalCassandra.Settings.defaults().withDataDir(impossible)))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("data directory " + impossible)
                .hasMessageContaining("not writable");
    }

    @Test
    void aCassandraNodeThatCannotStartNamesTheCauseAndShowsItsLog() {
        LocalCassandra.Settings broken = LocalCassandra.Settings.defaults()
                .withDataDir(temp.resolve("cassandra"))
                .withYaml("no_such_cassandra_setting", "42");
        assertThatThrownBy(() -> LocalCassandra.start(broken))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("the Cassandra node exited with code")
                .hasMessageContaining("no_such_cassandra_setting")
                .hasMessageContaining("--- last");
    }

    private static ServerSocket listening() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
        return socket;
    }
}
