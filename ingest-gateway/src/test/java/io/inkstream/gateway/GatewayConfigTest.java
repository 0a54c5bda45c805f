package io.inkstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.gateway.guard.TrustedProxies;
import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import io.inkstream.testkit.ChangedComponents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import io.inkstream.gateway.http.ApiKeys;
import org.junit.jupiter.api.io.TempDir;

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
    void aFileOfKeysServesAsTheKeyButNotBesideIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), "rotated-key-1\nrotated-key-2\n");
        GatewayConfig keyed = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0",
                ApiKeys.FILE_VARIABLE, file.toString())));
        assertThat(keyed.open()).as("beyond loopback with a file of keys").isFalse();
        assertThat(keyed.apiKey()).hasValueSatisfying(keys -> assertThat(keys.size()).isEqualTo(2));
        assertThat(keyed.toString()).as("a config is printed whole: never a key").doesNotContain("rotated-key")
                .contains("2 keys from " + file);
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.API_KEY, "s3cret"))).toString())
                .doesNotContain("s3cret");
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.API_KEY, "s3cret",
                ApiKeys.FILE_VARIABLE, file.toString())))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("are both set").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(ApiKeys.FILE_VARIABLE,
                dir.resolve("missing").toString())))).hasMessageContaining("INKSTREAM_GATEWAY_API_KEYS_FILE").hasMessageContaining("does not exist");
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

    @Test
    void readsTheEdgeSettingsAndRefusesAnUploadBudgetSmallerThanOneUpload() {
        GatewayConfig defaults = GatewayConfig.fromEnvironment(new Environment(Map.of()));
        assertThat(defaults.rateLimit()).isEqualTo(1000);
        assertThat(defaults.corsOrigins()).as("same origin only").isEmpty();
        assertThat(defaults.uploadMemory()).isEqualTo(64L << 20).isGreaterThanOrEqualTo(defaults.maxRequestBytes());

        GatewayConfig set = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.RATE_LIMIT, "0",
                GatewayConfig.CORS_ORIGINS, " https://a.example.com , https://b.example.com,", GatewayConfig.UPLOAD_MEMORY_MB, "128")));
        assertThat(set.rateLimit()).isZero();
        assertThat(set.corsOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
        assertThat(set.uploadMemory()).isEqualTo(128L << 20);

        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.UPLOAD_MEMORY_MB, "8"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_GATEWAY_UPLOAD_MEMORY_MB")
                .hasMessageContaining("must hold one upload");
    }

    @Test
    void trustsNoProxyUnlessToldAndRefusesAProxyThatIsNoAddressAtStart() {
        GatewayConfig defaults = GatewayConfig.fromEnvironment(new Environment(Map.of()));
        assertThat(defaults.trustedProxies().client("10.0.0.1", List.of("203.0.113.5"))).isEqualTo("10.0.0.1");

        GatewayConfig set = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.TRUSTED_PROXIES, "10.0.0.0/8, 192.168.0.7")));
        assertThat(set.trustedProxies().client("10.0.0.1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");

        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.TRUSTED_PROXIES, "ingress.internal"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_GATEWAY_TRUSTED_PROXIES")
                .hasMessageContaining("'ingress.internal' is not an IP address or a CIDR block");
    }

    @Test
    void chargesTwentyMegapixelsASecondOfDecodingPerClientUnlessToldOtherwise() {
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of())).decodingRate()).isEqualTo(20);
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.DECODING_RATE, "0"))).decodingRate()).isZero();
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.DECODING_RATE, "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(GatewayConfig.DECODING_RATE);
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of())).decodingRateInAll()).isEqualTo(40);
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.DECODING_RATE_IN_ALL, "0"))).decodingRateInAll()).isZero();
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.DECODING_RATE_IN_ALL, "x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(GatewayConfig.DECODING_RATE_IN_ALL);
    }

    @Test
    void countsLiveAccuracyAgainAfterTenSecondsUnlessToldOtherwise() {
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of())).accuracyRefresh()).isEqualTo(Duration.ofSeconds(10));
        GatewayConfig set = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.ACCURACY_REFRESH_MS, "2000")));
        assertThat(set.accuracyRefresh()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.withPort(0).withRateLimit(5).accuracyRefresh()).as("kept by every copy").isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.ACCURACY_REFRESH_MS, "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(GatewayConfig.ACCURACY_REFRESH_MS);
    }

    @Test
    void looksAtTheKeyStoreAndTheKeysFileEveryFiveSecondsUnlessToldOtherwise() {
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of())).renewalCheck()).isEqualTo(Duration.ofSeconds(5));
        GatewayConfig set = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.RENEWAL_CHECK_MS, "60000")));
        assertThat(set.renewalCheck()).isEqualTo(Duration.ofMinutes(1));
        for (String wrong : new String[] {"0", "99", "3600001", "5s"}) {
            assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.RENEWAL_CHECK_MS, wrong))))
                    .as(wrong).isInstanceOf(ConfigurationException.class).hasMessageContaining(GatewayConfig.RENEWAL_CHECK_MS);
        }
    }

    /** Each copy changes the settings its name says and keeps every other (they are passed on in one place, by name). */
    @Test
    void eachCopyChangesItsOwnSettingsAndKeepsEveryOther() {
        GatewayConfig base = GatewayConfig.fromEnvironment(new Environment(Map.of()));
        Map<String, GatewayConfig> copies = Map.ofEntries(
                Map.entry("port", base.withPort(9)),
                Map.entry("apiKey", base.withApiKey(Optional.of("key"))),
                Map.entry("bootstrapServers publishTimeout", base.withBootstrapServers("elsewhere:9092", Duration.ofSeconds(3))),
                Map.entry("rateLimit", base.withRateLimit(7)),
                Map.entry("corsOrigins", base.withCorsOrigins(List.of("https://app.example.com"))),
                Map.entry("trustedProxies", base.withTrustedProxies(TrustedProxies.parse("127.0.0.9"))),
                Map.entry("decodingRate", base.withDecodingRate(3)),
                Map.entry("decodingRateInAll", base.withDecodingRateInAll(4)),
                Map.entry("uploadMemory", base.withUploadMemory(128L * 1024 * 1024)),
                Map.entry("accuracyRefresh", base.withAccuracyRefresh(Duration.ofSeconds(3))),
                Map.entry("renewalCheck", base.withRenewalCheck(Duration.ofMillis(500))));
        copies.forEach((changed, copy) -> assertThat(ChangedComponents.between(base, copy))
                .as("the settings that %s's copy changes", changed).containsExactly(changed.split(" ")));
    }

    @Test
    void thePagesAddressPutsAnIpv6HostInBracketsSoThatItsPortIsNotReadAsPartOfIt() {
        assertThat(GatewayConfig.pageUrl(false, "127.0.0.1", 8080)).isEqualTo("http://127.0.0.1:8080/");
        assertThat(GatewayConfig.pageUrl(false, "::1", 8080)).as("http://::1:8080/ was printed").isEqualTo("http://[::1]:8080/");
        assertThat(GatewayConfig.pageUrl(false, "[::1]", 8080)).isEqualTo("http://[::1]:8080/");
        assertThat(GatewayConfig.pageUrl(false, "fd00::2", 9000)).isEqualTo("http://[fd00::2]:9000/");
        assertThat(GatewayConfig.pageUrl(false, "0.0.0.0", 8080)).isEqualTo("http://localhost:8080/");
        assertThat(GatewayConfig.pageUrl(false, "::", 8080)).as("every interface").isEqualTo("http://localhost:8080/");
        assertThat(GatewayConfig.pageUrl(false, "localhost", 8080)).isEqualTo("http://localhost:8080/");
    }

    @Test
    void namesLabellersUnderTheSameKeyOnEveryInstanceWhenOneIsSetAndRefusesAShortOne() {
        Map<String, String> keyed = Map.of(GatewayConfig.LABELLER_KEY, "a key of this deployment, long");
        GatewayConfig one = GatewayConfig.fromEnvironment(new Environment(keyed));
        GatewayConfig another = GatewayConfig.fromEnvironment(new Environment(keyed));
        assertThat(one.labellers().of("203.0.113.5")).as("one client, two instances").isEqualTo(another.labellers().of("203.0.113.5"))
                .matches("[0-9a-f]{16}").isNotEqualTo(one.labellers().of("203.0.113.6"));
        assertThat(one.labellers()).hasToString("configured");
        assertThat(one.toString()).doesNotContain("a key of this deployment");

        GatewayConfig unset = GatewayConfig.fromEnvironment(new Environment(Map.of()));
        assertThat(unset.labellers()).hasToString("per-process");
        assertThat(unset.labellers().of("203.0.113.5")).as("a key of its own").isNotEqualTo(one.labellers().of("203.0.113.5"))
                .isEqualTo(unset.labellers().of("203.0.113.5"));
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of())).labellers().of("203.0.113.5"))
                .as("another process").isNotEqualTo(unset.labellers().of("203.0.113.5"));

        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.LABELLER_KEY, "secret"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_GATEWAY_LABELLER_KEY has 6 characters; it needs at least 16");
    }

    @Test
    void cassandraLoginNeedsBothHalvesAndNeverShowsItsPassword() {
        GatewayConfig config = GatewayConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_CASSANDRA_USERNAME", "inkstream_gateway",
                "INKSTREAM_CASSANDRA_PASSWORD", "s3cret")));
        assertThat(config.cassandraAccess().login()).hasValueSatisfying(login -> assertThat(login.toString()).isEqualTo("inkstream_gateway"));
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_CASSANDRA_USERNAME", "x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("go together");
    }

    @Test
    void aKeyStoreThatCanServeTurnsHttpsOnAndOneThatCannotStopsTheStartWithTheVariablesName(@TempDir Path dir) throws Exception {
        Path store = SelfSignedKeyStores.create(dir, "gateway", "store-password");
        GatewayConfig tls = GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0", GatewayConfig.API_KEY, "s3cret",
                "INKSTREAM_GATEWAY_TLS_KEYSTORE", store.toString(), "INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD", "store-password")));
        assertThat(tls.tls()).hasValueSatisfying(keyStore -> assertThat(keyStore.path()).isEqualTo(store));
        assertThat(tls.keyInClear()).isFalse();
        assertThat(tls.toString()).doesNotContain("store-password");
        assertThat(GatewayConfig.pageUrl(true, "::1", 8443)).isEqualTo("https://[::1]:8443/");

        // The control: the same key beyond loopback over plain HTTP crosses the network in clear (the start warns); on
        // loopback, or without a key to send, nothing does.
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0", GatewayConfig.API_KEY, "s3cret")))
                .keyInClear()).isTrue();
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.API_KEY, "s3cret"))).keyInClear()).isFalse();
        assertThat(GatewayConfig.fromEnvironment(new Environment(Map.of(GatewayConfig.HOST, "0.0.0.0", GatewayConfig.INSECURE, "true")))
                .keyInClear()).isFalse();

        Path notAStore = Files.write(dir.resolve("gateway.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n".getBytes(StandardCharsets.US_ASCII));
        Path huge = Files.write(dir.resolve("huge.p12"), new byte[2 * 1024 * 1024]);
        Map<Map<String, String>, String> refused = Map.of(
                keyStore(dir.resolve("missing.p12"), "store-password"), "which does not exist",
                keyStore(store, "not-the-password"), "cannot be read as a key store with INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD",
                keyStore(notAStore, "store-password"), "cannot be read as a key store",
                keyStore(huge, "store-password"), "of 2097152 bytes: not a key store",
                keyStore(SelfSignedKeyStores.certificateOnly(store, "store-password"), "store-password"),
                "holds no private key with its certificate",
                Map.of("INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD", "store-password"), "is set without INKSTREAM_GATEWAY_TLS_KEYSTORE");
        refused.forEach((environment, reason) -> assertThatThrownBy(() -> GatewayConfig.fromEnvironment(new Environment(environment)))
                .as("%s", environment).isInstanceOf(ConfigurationException.class).hasMessageContaining(reason)
                .hasMessageContaining("INKSTREAM_GATEWAY_TLS_KEYSTORE").hasMessageNotContaining("store-password"));
    }

    private static Map<String, String> keyStore(Path path, String password) {
        return Map.of("INKSTREAM_GATEWAY_TLS_KEYSTORE", path.toString(), "INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD", password);
    }
}
