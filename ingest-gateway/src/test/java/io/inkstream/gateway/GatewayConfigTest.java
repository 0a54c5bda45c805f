package io.inkstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.contract.config.ConfigurationException;
import io.inkstream.contract.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void listensOnLoopbackUnlessToldOtherwise() {
        GatewayConfig config = GatewayConfig.fromEnvironment(new Environment(Map.of()));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.open()).isFalse();
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAKeyUnlessOpenOnPurpose() {
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("would listen on 0.0.0.0 with no API key")
                .hasMessageContaining("INKSTREAM_GATEWAY_API_KEY")
                .hasMessageContaining("INKSTREAM_GATEWAY_INSECURE=true");

        GatewayConfig keyed = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0",
                GatewayConfig.API_KEY, "s3cret")));
        assertThat(keyed.open()).isFalse();
        GatewayConfig open = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "192.168.1.20",
                GatewayConfig.INSECURE, "true")));
        assertThat(open.open()).isTrue();
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.INSECURE, "yes"))))
                .hasMessageContaining("expected true or false");
    }

    @Test
    void tellsLoopbackFromOtherInterfaces() {
        assertThat(GatewayConfig.isLoopback("127.0.0.1")).isTrue();
        assertThat(GatewayConfig.isLoopback("127.3.0.9")).isTrue();
        assertThat(GatewayConfig.isLoopback("localhost")).isTrue();
        assertThat(GatewayConfig.isLoopback("::1")).isTrue();
        assertThat(GatewayConfig.isLoopback("0.0.0.0")).isFalse();
        assertThat(GatewayConfig.isLoopback("127.example.com")).isFalse();
        assertThat(GatewayConfig.isLoopback("10.0.0.1")).isFalse();
    }
}
