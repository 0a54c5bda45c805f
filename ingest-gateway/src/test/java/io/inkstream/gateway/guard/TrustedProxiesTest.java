package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8, 192.168.1.5 ,fd00::/8");

    @Test
    void aTrustedProxyIsBelievedAboutTheClientItForwardedFor() {
        assertThat(proxies.client("10.1.2.3", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(proxies.client("192.168.1.5", List.of("2001:db8:0:0:0:0:0:1"))).isEqualTo("2001:db8:0:0::/64");
        assertThat(proxies.client("fd12::1", List.of("[2001:db8::7]"))).isEqualTo("2001:db8:0:0::/64");
        // Two proxies of ours in a row (an ingress behind a load balancer): past both.
        assertThat(proxies.client("10.0.0.1", List.of("203.0.113.5, 10.0.0.2"))).isEqualTo("203.0.113.5");
        assertThat(proxies.client("10.0.0.1", List.of("203.0.113.5", "10.0.0.2"))).as("the header twice").isEqualTo("203.0.113.5");
        assertThat(proxies.client("10.0.0.1", List.of())).as("no header: the proxy itself").isEqualTo("10.0.0.1");
    }

    @Test
    void whatAClientWroteItselfIsNeverBelieved() {
        // Not through a trusted proxy: the header is the client's own text.
        assertThat(proxies.client("198.51.100.9", List.of("203.0.113.5"))).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.none().client("10.0.0.1", List.of("203.0.113.5"))).isEqualTo("10.0.0.1");
        // Through one: what lies left of the address the proxy saw is the client's, a trusted range included.
        assertThat(proxies.client("10.0.0.1", List.of("10.9.9.9, 1.2.3.4, 198.51.100.9"))).isEqualTo("198.51.100.9");
        // Not an address where the proxy's entry should be: the proxy is as far as anyone can be believed.
        for (String forged : List.of("unknown", "localhost", "evil.example", "1.2.3", "010.0.0.1", "1:2:3:4:5:6:7:8:9", "::1%eth0",
                "203.0.113.5:443", "", " ", "a".repeat(10_000))) {
            assertThat(proxies.client("10.0.0.1", List.of(forged))).as("'%s'", forged).isEqualTo("10.0.0.1");
        }
        assertThat(proxies.client("10.0.0.1", List.of("203.0.113.5, unknown, 10.0.0.2"))).isEqualTo("10.0.0.2");
    }

    @Test
    void anIpv6ClientIsItsSlash64WhichItCanSendFromAnyAddressOf() {
        for (String address : List.of("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:abcd")) {
            assertThat(TrustedProxies.none().client(address, List.of())).as(address).isEqualTo("2001:db8:1:2::/64");
            assertThat(TrustedProxies.none().client("[" + address + "]", List.of())).as("[%s]", address).isEqualTo("2001:db8:1:2::/64");
            assertThat(proxies.client("10.0.0.1", List.of(address))).as("forwarded for %s", address).isEqualTo("2001:db8:1:2::/64");
        }
        assertThat(TrustedProxies.none().client("2001:db8:1:3::1", List.of())).as("the next /64").isEqualTo("2001:db8:1:3::/64");
        assertThat(TrustedProxies.none().client("0:0:0:0:0:0:0:1", List.of())).isEqualTo("0:0:0:0::/64");
        // An IPv4 client written as IPv6 is the IPv4 client, not the /64 every such address shares.
        assertThat(proxies.client("10.0.0.1", List.of("::ffff:203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.none().client("::ffff:198.51.100.9", List.of())).isEqualTo("198.51.100.9");
        // A proxy on IPv6 is trusted by its address, not by its /64 (fd00::/8 is trusted, fd12::1 in it).
        assertThat(proxies.client("fd12::1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.parse("2001:db8:1:2::9").client("2001:db8:1:2::8", List.of("203.0.113.5")))
                .as("a neighbour of the proxy in its /64").isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void aChainLongerThanAnyRealOneIsReadNoFurtherThanItsLastHops() {
        String chain = String.join(", ", java.util.Collections.nCopies(100_000, "10.0.0.9"));
        assertThat(proxies.client("10.0.0.1", List.of("203.0.113.5, " + chain))).isEqualTo("10.0.0.9");
    }

    @Test
    void anEntryThatIsNeitherAnAddressNorABlockIsAConfigurationError() {
        assertThat(TrustedProxies.parse(" , ").client("10.0.0.1", List.of("203.0.113.5"))).as("blank: none").isEqualTo("10.0.0.1");
        assertThat(TrustedProxies.parse("0.0.0.0/0").client("8.8.8.8", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        for (String wrong : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "10.0.0.0/-1", "300.1.1.1")) {
            assertThatThrownBy(() -> TrustedProxies.parse(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(TrustedProxies.VARIABLE).hasMessageContaining(wrong);
        }
    }
}
