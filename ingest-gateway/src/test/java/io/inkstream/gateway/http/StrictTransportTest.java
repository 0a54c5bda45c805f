package io.inkstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which hosts a gateway serving HTTPS tells to keep to HTTPS: every name but localhost's, whose rule would hold for every local server. */
class StrictTransportTest {
    @Test
    void everyHostButLocalhostNamesIsToldToKeepToHttps() {
        assertThat(GatewayApp.strictTransportFor("digits.example.com")).isTrue();
        assertThat(GatewayApp.strictTransportFor("digits.example.com:8443")).isTrue();
        assertThat(GatewayApp.strictTransportFor("127.0.0.1:8080")).as("an address: browsers ignore the rule for it anyway").isTrue();
        assertThat(GatewayApp.strictTransportFor("localhost:8080")).isFalse();
        assertThat(GatewayApp.strictTransportFor("LOCALHOST")).isFalse();
        assertThat(GatewayApp.strictTransportFor("app.localhost:8443")).isFalse();
        assertThat(GatewayApp.strictTransportFor("localhost.example.com")).as("a name that only starts so").isTrue();
        assertThat(GatewayApp.strictTransportFor(null)).as("no Host header (HTTP/1.0)").isTrue();
    }
}
