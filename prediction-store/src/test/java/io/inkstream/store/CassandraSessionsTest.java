package io.inkstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a session's login and TLS are read from, and how a trust store that cannot serve stops the start. */
class CassandraSessionsTest {
    private static final String PASSWORD = "trust-store-password";

    @Test
    void aTrustStoreOrTheJdksAuthoritiesTurnTlsOnAndNoneLeavesItOff(@TempDir Path dir) throws Exception {
        Path trustStore = SelfSignedKeyStores.certificateOnly(SelfSignedKeyStores.create(dir, "node", PASSWORD), PASSWORD);

        CassandraSessions.Access access = CassandraSessions.access(new Environment(Map.of(CassandraSessions.USERNAME, "inkstream_sink",
                CassandraSessions.PASSWORD, "s3cret", CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(),
                CassandraSessions.TLS_TRUSTSTORE_PASSWORD, PASSWORD)));
        assertThat(access.login()).hasValueSatisfying(login -> assertThat(login.username()).isEqualTo("inkstream_sink"));
        assertThat(access.tls()).hasValueSatisfying(tls -> assertThat(tls.trustStore()).contains(trustStore));
        assertThat(access.toString()).doesNotContain(PASSWORD).doesNotContain("s3cret");

        assertThat(CassandraSessions.tls(new Environment(Map.of(CassandraSessions.TLS_TRUSTSTORE, "jdk"))))
                .hasValueSatisfying(tls -> assertThat(tls.trustStore()).isEmpty());
        assertThat(CassandraSessions.access(new Environment(Map.of()))).isEqualTo(CassandraSessions.Access.NONE);
    }

    @Test
    void aTrustStoreThatCannotServeStopsTheStartWithTheVariablesName(@TempDir Path dir) throws Exception {
        Path trustStore = SelfSignedKeyStores.certificateOnly(SelfSignedKeyStores.create(dir, "node", PASSWORD), PASSWORD);
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        Path emptyStore = dir.resolve("empty.p12");
        try (var out = Files.newOutputStream(emptyStore)) {
            empty.store(out, PASSWORD.toCharArray());
        }
        Path pem = Files.write(dir.resolve("node.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n".getBytes(StandardCharsets.US_ASCII));
        Path huge = Files.write(dir.resolve("huge.p12"), new byte[2 * 1024 * 1024]);
        Map<Map<String, String>, String> refused = Map.of(
                trust(dir.resolve("missing.p12"), PASSWORD), "which does not exist",
                trust(trustStore, "not-the-password"), "cannot be read as a trust store with INKSTREAM_CASSANDRA_TLS_TRUSTSTORE_PASSWORD",
                trust(pem, PASSWORD), "cannot be read as a trust store",
                trust(huge, PASSWORD), "of 2097152 bytes: not a trust store",
                trust(emptyStore, PASSWORD), "which holds no certificate",
                Map.of(CassandraSessions.TLS_TRUSTSTORE_PASSWORD, PASSWORD), "is set without INKSTREAM_CASSANDRA_TLS_TRUSTSTORE");
        refused.forEach((environment, reason) -> assertThatThrownBy(() -> CassandraSessions.access(new Environment(environment)))
                .as("%s", environment).isInstanceOf(ConfigurationException.class).hasMessageContaining(reason)
                .hasMessageContaining(CassandraSessions.TLS_TRUSTSTORE).hasMessageNotContaining(PASSWORD));
        assertThat(CassandraSessions.tls(new Environment(trust(trustStore, PASSWORD)))).as("the control: the same store, opened")
                .isPresent();
    }

    /** For nodes that ask for a client certificate ({@code require_client_auth}): a key store beside the trust store. */
    @Test
    void aClientCertificateIsShownOnlyOverTlsAndAStoreThatCannotServeStopsTheStart(@TempDir Path dir) throws Exception {
        Path trustStore = SelfSignedKeyStores.certificateOnly(SelfSignedKeyStores.create(dir, "node", PASSWORD), PASSWORD);
        Path client = SelfSignedKeyStores.create(dir, "client", PASSWORD);

        CassandraSessions.Tls tls = CassandraSessions.tls(new Environment(both(trustStore, client, PASSWORD))).orElseThrow();
        assertThat(tls.trustStore()).contains(trustStore);
        assertThat(tls.keyStore()).contains(client);
        assertThat(tls.toString()).contains("client certificate " + client).doesNotContain(PASSWORD);
        assertThat(CassandraSessions.tls(new Environment(Map.of(CassandraSessions.TLS_TRUSTSTORE, "jdk", CassandraSessions.TLS_KEYSTORE,
                client.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, PASSWORD)))).as("the JDK's authorities and a client certificate")
                .hasValueSatisfying(jdk -> assertThat(jdk.keyStore()).contains(client));

        Map<Map<String, String>, String> refused = Map.of(
                Map.of(CassandraSessions.TLS_KEYSTORE, client.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, PASSWORD),
                "is set without INKSTREAM_CASSANDRA_TLS_TRUSTSTORE",
                both(trustStore, dir.resolve("missing.p12"), PASSWORD), "which does not exist",
                both(trustStore, trustStore, PASSWORD), "which holds no private key with its certificate",
                Map.of(CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(), CassandraSessions.TLS_TRUSTSTORE_PASSWORD, PASSWORD,
                        CassandraSessions.TLS_KEYSTORE, client.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, "not-the-password"),
                "cannot be read as a key store with INKSTREAM_CASSANDRA_TLS_KEYSTORE_PASSWORD");
        refused.forEach((environment, reason) -> assertThatThrownBy(() -> CassandraSessions.tls(new Environment(environment)))
                .as("%s", environment).isInstanceOf(ConfigurationException.class).hasMessageContaining(reason)
                .hasMessageContaining(CassandraSessions.TLS_KEYSTORE).hasMessageNotContaining(PASSWORD));
    }

    private static Map<String, String> both(Path trustStore, Path keyStore, String password) {
        return Map.of(CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(), CassandraSessions.TLS_TRUSTSTORE_PASSWORD, password,
                CassandraSessions.TLS_KEYSTORE, keyStore.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, password);
    }

    private static Map<String, String> trust(Path store, String password) {
        return Map.of(CassandraSessions.TLS_TRUSTSTORE, store.toString(), CassandraSessions.TLS_TRUSTSTORE_PASSWORD, password);
    }
}
