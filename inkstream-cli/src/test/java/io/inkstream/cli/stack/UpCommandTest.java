package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.gateway.GatewayConfig;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import io.inkstream.store.CassandraSessions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `inkstream up --host` beyond loopback without a key is refused before a broker or a node starts. */
class UpCommandTest {
    @Test
    void anOpenGatewayIsRefusedBeforeAnythingStarts(@TempDir Path data) {
        UpCommand up = new UpCommand();
        up.dataDir = data;
        up.host = "0.0.0.0";
        // Free ports everywhere: were the check missing, a stack would start here rather than clash with another.
        up.gatewayPort = 0;
        up.kafkaPort = 0;
        up.kafkaControllerPort = 0;
        up.cqlPort = 0;
        up.storagePort = 0;
        up.classifierHttpPort = 0;
        up.sinkHttpPort = 0;
        up.brokers = 1;
        up.cassandraNodes = 1;

        assertThatThrownBy(up::call).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("would listen on 0.0.0.0 with no API key");
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void aClusterOfNoNodesOrMoreThanNineIsRefusedBeforeAnythingStarts(@TempDir Path data) {
        for (int[] sizes : new int[][] {{0, 1}, {1, 10}}) {
            UpCommand up = new UpCommand();
            up.dataDir = data;
            up.host = "127.0.0.1";
            up.brokers = sizes[0];
            up.cassandraNodes = sizes[1];
            assertThatThrownBy(up::call).isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--brokers and --cassandra-nodes take 1 to 9");
        }
        assertThat(data).isEmptyDirectory();
    }

    /**
     * A trust store (and a client certificate) for another cluster, named in the shell, is not the local nodes' (they speak plain CQL): the services
     * and {@code up}'s check before it starts anything take the shell's settings without it, so a store that cannot be
     * read does not stop {@code up}.
     */
    @Test
    void theShellsCassandraTlsIsLeftOutForTheLocalNodes(@TempDir Path temp) {
        Map<String, String> shell = Map.of(CassandraSessions.TLS_TRUSTSTORE, temp.resolve("absent.p12").toString(),
                CassandraSessions.TLS_TRUSTSTORE_PASSWORD, "secret", CassandraSessions.TLS_KEYSTORE, temp.resolve("client.p12").toString(),
                CassandraSessions.TLS_KEYSTORE_PASSWORD, "secret", GatewayConfig.API_KEY, "k");

        Map<String, String> local = LocalStack.forLocalNodes(shell);

        assertThat(local).containsOnlyKeys(GatewayConfig.API_KEY);
        assertThat(GatewayConfig.fromEnvironment(new Environment(local)).cassandraAccess().tls()).isEmpty();
        // Control: the shell's settings as they are name a store that does not exist.
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(shell))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(CassandraSessions.TLS_TRUSTSTORE);
    }

    /** What ScaleOutFaultsIT runs on a 3-node ring is what `up --cassandra-nodes 3` gives the services. */
    @Test
    void aRingKeepsEveryRowOnEveryNodeAndOneNodeKeepsTheServicesDefault() {
        assertThat(LocalStack.replication(3)).contains("{'class': 'SimpleStrategy', 'replication_factor': 3}");
        assertThat(LocalStack.replication(1)).isEmpty();
    }
}
