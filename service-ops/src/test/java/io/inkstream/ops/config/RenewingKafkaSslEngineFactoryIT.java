package io.inkstream.ops.config;

import static io.inkstream.ops.config.RenewingKafkaSslEngineFactoryTest.PASSWORD;
import static io.inkstream.ops.config.RenewingKafkaSslEngineFactoryTest.clientVariables;
import static io.inkstream.ops.config.RenewingKafkaSslEngineFactoryTest.expiry;
import static io.inkstream.ops.config.RenewingKafkaSslEngineFactoryTest.notAfter;
import static io.inkstream.ops.config.RenewingKafkaSslEngineFactoryTest.replace;
import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's Kafka client whose certificate is renewed while it runs, against a real broker whose TLS listener asks every
 * client for a certificate it trusts ({@code ssl.client.auth=required}): the broker trusts only the renewed one. The
 * expiry a service exports follows the certificate the client shows.
 */
class RenewingKafkaSslEngineFactoryIT {
    @Test
    void aClientsRenewedCertificateIsShownAtItsNextConnectionWithoutARestart(@TempDir Path dir) throws Exception {
        Path broker = SelfSignedKeyStores.create(dir, "broker", PASSWORD);
        Path first = SelfSignedKeyStores.create(dir, "first-client", PASSWORD, 30);
        Path renewed = SelfSignedKeyStores.create(dir, "renewed-client", PASSWORD, 400);
        int plainPort = LoopbackPorts.free();
        int controllerPort = LoopbackPorts.free();
        int tlsPort = LoopbackPorts.free();
        LocalKafka.Settings settings = LocalKafka.Settings.defaults().withBrokerPort(plainPort).withControllerPort(controllerPort)
                .with("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                        + ",SSL://127.0.0.1:" + tlsPort)
                .with("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SSL://127.0.0.1:" + tlsPort)
                .with("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL")
                .withClientCertificatesRequired("SSL", broker, SelfSignedKeyStores.certificateOnly(renewed, PASSWORD), PASSWORD);

        try (LocalKafka kafka = LocalKafka.start(settings)) {
            Path keyStore = Files.copy(first, dir.resolve("client.p12"));
            Path trustStore = SelfSignedKeyStores.certificateOnly(broker, PASSWORD);
            Properties client = KafkaClientSettings.base("127.0.0.1:" + tlsPort,
                    KafkaClientSettings.fromEnvironment(new Environment(clientVariables(keyStore, trustStore))));
            Properties kafkasOwn = new Properties();
            kafkasOwn.putAll(client);
            kafkasOwn.remove(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG); // the control: Kafka's factory reads the stores once
            SimpleMeterRegistry meters = new SimpleMeterRegistry(); // as a service exports it, from the same settings
            KafkaClientCertificates.export(client, meters);

            try (Admin renewing = Admin.create(client); Admin control = Admin.create(kafkasOwn);
                    Admin plain = Admin.create(kafka.clientProperties())) {
                assertThat(clusterId(renewing)).as("the first certificate, which the broker does not trust").startsWith("refused");
                assertThat(clusterId(control)).as("the control, the same").startsWith("refused");
                assertThat(expiry(meters)).as("the expiry exported: the first certificate's").isEqualTo(notAfter(first));

                replace(keyStore, renewed);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String answer = clusterId(renewing);
                while (answer.startsWith("refused") && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    answer = clusterId(renewing);
                }
                assertThat(answer).as("the renewed certificate, shown at a new connection of the same client")
                        .isEqualTo(clusterId(plain));
                assertThat(clusterId(control)).as("the control, after as long: Kafka's own factory kept the first certificate")
                        .startsWith("refused");
                assertThat(expiry(meters)).as("the expiry exported: the renewed certificate's").isEqualTo(notAfter(renewed));
            }
        }
    }

    /** The cluster's id as {@code admin} gets it, or why it was refused. */
    private static String clusterId(Admin admin) throws InterruptedException {
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).clusterId().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "refused: " + (e.getCause() == null ? e : e.getCause());
        }
    }
}
