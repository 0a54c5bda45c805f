package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy sameOrigin = new OriginPolicy(List.of(), false);

    @Test
    void letsTheGatewaysOwnPageAndClientsThatAreNotBrowsersThrough() {
        assertThat(sameOrigin.refusal(Optional.of("http://digits.example.com:8080"), Optional.of("digits.example.com:8080"))).isEmpty();
        assertThat(sameOrigin.refusal(Optional.of("https://digits.example.com"), Optional.of("digits.example.com"))).isEmpty();
        assertThat(sameOrigin.refusal(Optional.empty(), Optional.of("digits.example.com:8080"))).isEmpty();
    }

    @Test
    void refusesAPageOfAnotherOrigin() {
        assertThat(sameOrigin.refusal(Optional.of("https://evil.example"), Optional.of("digits.example.com:8080")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("https://evil.example").contains("INKSTREAM_GATEWAY_CORS_ORIGINS"));
        assertThat(sameOrigin.refusal(Optional.of("http://digits.example.com:9999"), Optional.of("digits.example.com:8080")))
                .as("another port is another origin").isPresent();
        assertThat(sameOrigin.refusal(Optional.of("null"), Optional.of("digits.example.com:8080")))
                .as("a sandboxed frame or a file: page").isPresent();
    }

    @Test
    void letsConfiguredOriginsThroughForCorsAndStarLetsAnyThrough() {
        OriginPolicy configured = new OriginPolicy(List.of("https://App.Example.com/"), false);
        assertThat(configured.refusal(Optional.of("https://app.example.com"), Optional.of("digits.example.com"))).isEmpty();
        assertThat(configured.allowsCrossOrigin("https://app.example.com")).isTrue();
        assertThat(configured.allowsCrossOrigin("https://other.example.com")).isFalse();
        assertThat(new OriginPolicy(List.of("*"), false).allowsCrossOrigin("https://anyone.example")).isTrue();
        assertThat(sameOrigin.allowsCrossOrigin("http://digits.example.com:8080")).as("its own page needs no CORS headers").isFalse();
    }

    @Test
    void onLoopbackRefusesHostNamesThatAreNotLoopbackAgainstDnsRebinding() {
        OriginPolicy loopback = new OriginPolicy(List.of(), true);
        assertThat(loopback.refusal(Optional.empty(), Optional.of("127.0.0.1:8080"))).isEmpty();
        assertThat(loopback.refusal(Optional.of("http://localhost:8080"), Optional.of("localhost:8080"))).isEmpty();
        assertThat(loopback.refusal(Optional.empty(), Optional.of("[::1]:8080"))).isEmpty();
        assertThat(loopback.refusal(Optional.of("http://rebound.evil.example:8080"), Optional.of("rebound.evil.example:8080")))
                .as("same-origin to the browser, but not a name of this machine").isPresent();
        assertThat(loopback.refusal(Optional.empty(), Optional.empty())).isPresent();
        assertThat(sameOrigin.refusal(Optional.empty(), Optional.of("rebound.evil.example:8080")))
                .as("beyond loopback the gateway answers any name it is reached by").isEmpty();
    }

    /** What a client sends as {@code Host} is read as a name without its port, and a malformed one throws nothing. */
    @Test
    void aHostHeaderIsReadAsItsNameWithoutThePortAndNeverThrows() {
        assertThat(OriginPolicy.hostName("Digits.Example.com:8443")).isEqualTo("digits.example.com");
        assertThat(OriginPolicy.hostName(" localhost ")).isEqualTo("localhost");
        assertThat(OriginPolicy.hostName("[::1]:8080")).isEqualTo("[::1]");
        assertThat(OriginPolicy.hostName("[::1]")).isEqualTo("[::1]");
        // Malformed: never an exception, and never a name it could be mistaken for.
        assertThat(OriginPolicy.hostName("")).isEmpty();
        assertThat(OriginPolicy.hostName(":")).isEmpty();
        assertThat(OriginPolicy.hostName("[")).isEmpty();
        assertThat(OriginPolicy.hostName("[::1")).as("an IPv6 address never closed").isEmpty();
        assertThat(OriginPolicy.hostName("a:b:c")).isEqualTo("a:b");
        assertThat(OriginPolicy.hostName("localhost:1:2")).isEqualTo("localhost:1");
        assertThat(OriginPolicy.hostName("x".repeat(10_000) + ":1")).hasSize(10_000);
    }
}
