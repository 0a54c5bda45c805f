package io.inkstream.ops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Kafka client's stores, as its settings name them, taken again when their files change; files that cannot serve are not. */
class RenewingKafkaSslEngineFactoryTest {
    /** Every store's here and in {@link RenewingKafkaSslEngineFactoryIT}, as {@link #clientVariables} names it. */
    static final String PASSWORD = "store-password";

    @Test
    void renewedStoresAreTakenAtTheNextLookAndFilesThatCannotServeAreNot(@TempDir Path dir) throws Exception {
        Path first = SelfSignedKeyStores.create(dir, "first-client", PASSWORD);
        Path second = SelfSignedKeyStores.create(dir, "second-client", PASSWORD);
        Path broker = SelfSignedKeyStores.create(dir, "broker", PASSWORD);
        Path renewedBroker = SelfSignedKeyStores.create(dir, "renewed-broker", PASSWORD);
        Path keyStore = Files.copy(first, dir.resolve("client.p12"));
        Path trustStore = Files.copy(SelfSignedKeyStores.certificateOnly(broker, PASSWORD), dir.resolve("trust.p12"));

        try (RenewingKafkaSslEngineFactory factory = new RenewingKafkaSslEngineFactory()) {
            factory.configure(clientConfigs(keyStore, trustStore));
            assertThat(certificate(factory.keystore())).as("the client certificate at start").isEqualTo(certificate(first));

            replace(keyStore, second);
            assertThat(certificate(factory.keystore())).as("the control: before a look, the one in use").isEqualTo(certificate(first));
            factory.lookNow();
            assertThat(certificate(factory.keystore())).as("the renewed client certificate").isEqualTo(certificate(second));
            assertThat(certificates(factory.truststore())).containsExactly(certificate(broker));

            replace(trustStore, SelfSignedKeyStores.certificateOnly(renewedBroker, PASSWORD));
            factory.lookNow();
            assertThat(certificates(factory.truststore())).as("the cluster's new authority").containsExactly(certificate(renewedBroker));

            Files.writeString(keyStore, "garbage: half of a store, as a cp leaves it"); // not moved in whole: a cp's half file
            factory.lookNow();
            replace(keyStore, SelfSignedKeyStores.create(Files.createDirectories(dir.resolve("other")), "client", "another-password"));
            factory.lookNow();
            Files.delete(trustStore);
            factory.lookNow();
            assertThat(certificate(factory.keystore())).as("files that cannot serve are not taken").isEqualTo(certificate(second));
            assertThat(certificates(factory.truststore())).containsExactly(certificate(renewedBroker));
            assertThat(factory.createClientSslEngine("127.0.0.1", 9093, "https").getUseClientMode()).isTrue();
        }
    }

    @Test
    void theClientCertificateInUseIsExportedWithItsExpiryWhileAClientIsOpen(@TempDir Path dir) throws Exception {
        Path first = SelfSignedKeyStores.create(dir, "first-client", PASSWORD, 30);
        Path renewed = SelfSignedKeyStores.create(dir, "renewed-client", PASSWORD, 400);
        Path keyStore = Files.copy(first, dir.resolve("client.p12"));
        Path trustStore = SelfSignedKeyStores.certificateOnly(SelfSignedKeyStores.create(dir, "broker", PASSWORD), PASSWORD);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KafkaClientCertificates.export(KafkaClientSettings.fromEnvironment(new Environment(clientVariables(keyStore, trustStore))), meters);
        assertThat(expiry(meters)).as("no client open yet").isNaN();

        try (RenewingKafkaSslEngineFactory factory = new RenewingKafkaSslEngineFactory()) {
            factory.configure(clientConfigs(keyStore, trustStore));
            assertThat(expiry(meters)).as("the first certificate's").isEqualTo(notAfter(first));

            replace(keyStore, renewed);
            assertThat(expiry(meters)).as("the control: before a look, the one in use").isEqualTo(notAfter(first));
            factory.lookNow();
            assertThat(expiry(meters)).as("the renewed certificate's, once taken").isEqualTo(notAfter(renewed));
            Files.writeString(keyStore, "garbage: half of a store");
            factory.lookNow();
            assertThat(expiry(meters)).as("a file that cannot serve is not taken").isEqualTo(notAfter(renewed));
        }
        assertThat(expiry(meters)).as("the client closed").isNaN();

        SimpleMeterRegistry withoutCertificate = new SimpleMeterRegistry();
        Path trustOnly = dir.resolve("trust-only.p12");
        Files.copy(trustStore, trustOnly);
        Map<String, String> variables = new HashMap<>(clientVariables(keyStore, trustOnly));
        variables.keySet().removeIf(name -> name.contains("KEYSTORE"));
        KafkaClientCertificates.export(KafkaClientSettings.fromEnvironment(new Environment(variables)), withoutCertificate);
        assertThat(withoutCertificate.find(KafkaClientCertificates.EXPIRY_METRIC).gauge()).as("no client certificate, no metric").isNull();
    }

    /** The exported expiry, in seconds since the epoch. */
    static double expiry(MeterRegistry meters) {
        return meters.get(KafkaClientCertificates.EXPIRY_METRIC).gauge().value();
    }

    /** When the certificate of {@code keyStore} expires, in seconds since the epoch. */
    static double notAfter(Path keyStore) throws Exception {
        return ((X509Certificate) certificate(keyStore)).getNotAfter().toInstant().getEpochSecond();
    }

    @Test
    void aStoreFileTooLargeOrMissingStopsTheClientsStartWithTheVariablesName(@TempDir Path dir) throws Exception {
        Path trustStore = SelfSignedKeyStores.certificateOnly(SelfSignedKeyStores.create(dir, "broker", PASSWORD), PASSWORD);
        Path huge = Files.write(dir.resolve("huge.p12"), new byte[2 * 1024 * 1024]);
        assertThatThrownBy(() -> new RenewingKafkaSslEngineFactory().configure(clientConfigs(huge, trustStore)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION").hasMessageContaining("of 2097152 bytes");
        assertThatThrownBy(() -> new RenewingKafkaSslEngineFactory().configure(clientConfigs(dir.resolve("missing.p12"), trustStore)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("which does not exist");
    }

    /** The settings a client's TLS is configured with, as Kafka hands them over once it has parsed a service's. */
    static Map<String, ?> clientConfigs(Path keyStore, Path trustStore) {
        Properties client = KafkaClientSettings.base("127.0.0.1:9093", KafkaClientSettings.fromEnvironment(new Environment(
                clientVariables(keyStore, trustStore))));
        assertThat(client.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)).isEqualTo(RenewingKafkaSslEngineFactory.class.getName());
        return new AdminClientConfig(client).values();
    }

    /** A service's variables for TLS to Kafka with a client certificate. */
    static Map<String, String> clientVariables(Path keyStore, Path trustStore) {
        return Map.of(
                "INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                "INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION", keyStore.toString(),
                "INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_PASSWORD", PASSWORD,
                "INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_TYPE", "PKCS12",
                "INKSTREAM_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", trustStore.toString(),
                "INKSTREAM_KAFKA_CLIENT_SSL_TRUSTSTORE_PASSWORD", PASSWORD,
                "INKSTREAM_KAFKA_CLIENT_SSL_TRUSTSTORE_TYPE", "PKCS12");
    }

    /** A new file moved over the old in one step, as a renewal is made. */
    static void replace(Path file, Path with) throws Exception {
        Path next = Files.copy(with, file.resolveSibling(file.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Certificate certificate(KeyStore store) throws Exception {
        return store.getCertificate(Collections.list(store.aliases()).get(0));
    }

    private static Certificate certificate(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return certificate(store);
    }

    private static List<Certificate> certificates(KeyStore store) throws Exception {
        List<Certificate> all = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            all.add(store.getCertificate(alias));
        }
        return all;
    }
}
