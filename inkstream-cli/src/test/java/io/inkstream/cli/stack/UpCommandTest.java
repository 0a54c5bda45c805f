package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.contract.config.ConfigurationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

        assertThatThrownBy(up::call).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("would listen on 0.0.0.0 with no API key");
        assertThat(data).isEmptyDirectory();
    }
}
