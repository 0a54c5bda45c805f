package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.LoopbackPorts;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `inkstream up` with a port already taken fails at once, naming the port and the option that moves it. */
class LocalStackPortsTest {

    @Test
    void aTakenGatewayPortFailsBeforeAnythingStartsAndNamesTheOption(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
            int port = taken.getLocalPort();
            LocalStack.Settings settings = new LocalStack.Settings(data, "127.0.0.1", port, 0, 0, 0, 0, 0, 0, Map.of());

            assertThatThrownBy(() -> LocalStack.start(settings))
                    .isInstanceOf(InfrastructureException.class)
                    .hasMessageContaining("gateway (--gateway-port) port " + port)
                    .hasMessageContaining("already in use");
        }
    }
}
