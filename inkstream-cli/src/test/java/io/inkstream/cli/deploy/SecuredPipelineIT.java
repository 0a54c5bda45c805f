package io.inkstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.cli.upload.ImageUploader;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import io.inkstream.sink.SinkConfig;
import io.inkstream.sink.SinkService;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionRoles;
import io.inkstream.store.PredictionSchema;
import java.io.InputStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline as docker-compose secures it, on a broker that takes SASL/SCRAM logins and enforces
 * ACLs and on a Cassandra node with password authentication: the operator grants the ACLs with
 * {@code inkstream kafka-acls} and makes the roles, each service runs under its own login, images
 * flow end to end, and a gateway's, classifier's or sink's credentials cannot publish a model. The node's
 * CQL port speaks TLS only and asks for a client certificate: the gateway and the sink reach it trusting its certificate
 * and showing theirs. The services reach the broker the same way, on a SASL_SSL listener that asks for a client
 * certificate (the operator's set-up and commands use the broker's SASL_PLAINTEXT listener on loopback).
 */
class SecuredPipelineIT {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STORE_PASSWORD = "store-" + UUID.randomUUID();

    @TempDir
    Path temp;

    @Test
    void eachServiceRunsUnderItsOwnLoginAndOnlyTheOperatorMayPublishAModel() throws Exception {
        Map<String, String> users = new HashMap<>();
        for (String user : List.of(LocalKafka.ADMIN, "gateway", "classifier", "sink", "operator")) {
            users.put(user, UUID.randomUUID().toString());
        }
        String gatewayPassword = "gw-" + UUID.randomUUID();
        String sinkPassword = "sink'" + UUID.randomUUID(); // a quote, to be escaped
        // The node speaks TLS only on its CQL port, with a certificate for 127.0.0.1; the services trust that certificate. It
        // asks for a client certificate too, and trusts the services' (and its own, which the testkit's sessions show).
        Path nodeStore = SelfSignedKeyStores.create(temp, "cassandra-node", STORE_PASSWORD);
        Path trustStore = SelfSignedKeyStores.certificateOnly(nodeStore, STORE_PASSWORD);
        Path clientStore = SelfSignedKeyStores.create(temp, "inkstream-services", STORE_PASSWORD);
        Path nodeTrustsClients = SelfSignedKeyStores.certificatesOf(temp.resolve("cassandra-clients.p12"), STORE_PASSWORD, clientStore,
                nodeStore);
        // The broker's TLS listener: its own certificate for 127.0.0.1, and the services' Kafka client certificate (valid for
        // another number of days than Cassandra's, to tell the two metrics apart) the only one it takes.
        Path brokerStore = SelfSignedKeyStores.create(temp, "kafka-broker", STORE_PASSWORD);
        Path kafkaClientStore = SelfSignedKeyStores.create(temp, "inkstream-kafka-client", STORE_PASSWORD, 200);
        Path brokerTrustsClients = SelfSignedKeyStores.certificateOnly(kafkaClientStore, STORE_PASSWORD);
        int plainPort = LoopbackPorts.free();
        int controllerPort = LoopbackPorts.free();
        int tlsPort = LoopbackPorts.free();
        LocalKafka.Settings broker = LocalKafka.Settings.defaults().secured(users).withBrokerPort(plainPort).withControllerPort(controllerPort)
                .with("listeners", "SASL_PLAINTEXT://127.0.0.1:" + plainPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                        + ",SASL_SSL://127.0.0.1:" + tlsPort)
                .with("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_SSL://127.0.0.1:" + tlsPort)
                .with("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL")
                .with("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", LocalKafka.jaas(LocalKafka.ADMIN, users.get(LocalKafka.ADMIN)))
                .withClientCertificatesRequired("SASL_SSL", brokerStore, brokerTrustsClients, STORE_PASSWORD);
        Map<String, String> kafkaTls = Map.of(
                GatewayConfig.BOOTSTRAP, "127.0.0.1:" + tlsPort,
                KafkaClientSettings.PREFIX + "SECURITY_PROTOCOL", "SASL_SSL",
                KafkaClientSettings.PREFIX + "SSL_TRUSTSTORE_LOCATION",
                SelfSignedKeyStores.certificateOnly(brokerStore, STORE_PASSWORD).toString(),
                KafkaClientSettings.PREFIX + "SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD,
                KafkaClientSettings.PREFIX + "SSL_TRUSTSTORE_TYPE", "PKCS12",
                KafkaClientSettings.PREFIX + "SSL_KEYSTORE_LOCATION", kafkaClientStore.toString(),
                KafkaClientSettings.PREFIX + "SSL_KEYSTORE_PASSWORD", STORE_PASSWORD,
                KafkaClientSettings.PREFIX + "SSL_KEYSTORE_TYPE", "PKCS12");
        try (LocalKafka kafka = LocalKafka.start(broker);
             LocalCassandra cassandra = LocalCassandra.start(LocalCassandra.Settings.defaults().withPasswordAuthentication()
                     .withClientEncryption(nodeStore, STORE_PASSWORD).withClientCertificatesRequired(nodeTrustsClients))) {
            // The operator's set-up, as compose's one-shot steps do it: topics, schema and roles as super users, then the ACLs.
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                PipelineTopics.ensure(admin, 2, Optional.empty());
            }
            try (CqlSession superuser = cassandra.sessionBuilder().build()) {
                PredictionSchema.apply(superuser, PredictionSchema.DEFAULT_REPLICATION);
                PredictionRoles.defaults().apply(superuser, gatewayPassword, sinkPassword);
            }
            assertThat(InkstreamCli.run("kafka-acls", "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
                    clientConfig(kafka, LocalKafka.ADMIN).toString())).isZero();

            String cql = cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort();
            try (SinkService sink = SinkService.start(SinkConfig.fromEnvironment(new Environment(with(overTls(login(kafka, "sink"), kafkaTls),
                         SinkConfig.CONTACT_POINTS, cql, SinkConfig.HTTP_PORT, "0",
                         CassandraSessions.USERNAME, "inkstream_sink", CassandraSessions.PASSWORD, sinkPassword,
                         CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(), CassandraSessions.TLS_TRUSTSTORE_PASSWORD, STORE_PASSWORD,
                         CassandraSessions.TLS_KEYSTORE, clientStore.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, STORE_PASSWORD))));
                 ClassifierService classifier = ClassifierService.start(ClassifierConfig.fromEnvironment(new Environment(with(
                         overTls(login(kafka, "classifier"), kafkaTls), ClassifierConfig.HTTP_PORT, "0", ClassifierConfig.PARTITIONS, "2",
                         ClassifierConfig.STATE_DIR, temp.resolve("classifier").toString()))));
                 GatewayService gateway = GatewayService.start(GatewayConfig.fromEnvironment(new Environment(with(overTls(login(kafka, "gateway"), kafkaTls),
                         GatewayConfig.CONTACT_POINTS, cql, GatewayConfig.PORT, "0",
                         CassandraSessions.USERNAME, "inkstream_gateway", CassandraSessions.PASSWORD, gatewayPassword,
                         CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(), CassandraSessions.TLS_TRUSTSTORE_PASSWORD, STORE_PASSWORD,
                         CassandraSessions.TLS_KEYSTORE, clientStore.toString(), CassandraSessions.TLS_KEYSTORE_PASSWORD, STORE_PASSWORD))))) {
                String shipped = ShippedModels.DEFAULT.load().version();
                assertThat(classifier.models().current().orElseThrow().version())
                        .as("the classifier may not publish its shipped model here, and serves it anyway").isEqualTo(shipped);

                // Uploads through the gateway end as rows the gateway reads back: every login and ACL on the path works.
                List<String> ids = upload(gateway, 0, 20);
                awaitClassified(gateway, ids, shipped);
                // Both services tell when the client certificate they show Cassandra expires, for an alert before it does.
                String expiry = "inkstream_cassandra_client_certificate_expiry_timestamp_seconds "
                        + (double) clientCertificateExpiry(clientStore).getEpochSecond();
                HttpClient scraper = HttpClient.newHttpClient();
                for (int port : new int[] {gateway.port(), sink.httpPort()}) {
                    String metrics = scraper.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    assertThat(metrics.lines().filter(line -> line.startsWith("inkstream_cassandra_client_certificate_expiry")))
                            .as("port %d", port).containsExactly(expiry);
                }
                // All three tell the same of the client certificate they show the broker.
                String kafkaExpiry = "inkstream_kafka_client_certificate_expiry_timestamp_seconds "
                        + (double) clientCertificateExpiry(kafkaClientStore).getEpochSecond();
                for (int port : new int[] {gateway.port(), classifier.httpPort(), sink.httpPort()}) {
                    String metrics = scraper.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    assertThat(metrics.lines().filter(line -> line.startsWith("inkstream_kafka_client_certificate_expiry")))
                            .as("port %d", port).containsExactly(kafkaExpiry);
                }
                // The control: the broker's TLS listener refuses the same login without the client certificate.
                Map<String, String> withoutCertificate = new HashMap<>(overTls(login(kafka, "gateway"), kafkaTls));
                withoutCertificate.keySet().removeIf(name -> name.contains("KEYSTORE"));
                Properties refused = KafkaClientSettings.base("127.0.0.1:" + tlsPort,
                        KafkaClientSettings.fromEnvironment(new Environment(withoutCertificate)));
                refused.put("request.timeout.ms", "5000");
                refused.put("default.api.timeout.ms", "5000");
                try (Admin admin = Admin.create(refused)) {
                    assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
                            .as("TLS to the broker without a client certificate").hasCauseInstanceOf(SslAuthenticationException.class);
                }
                // People's labels and live answers under the same ACLs: the gateway writes corrections and reads predictions, the
                // sink reads corrections.
                String gatewayUrl = "http://127.0.0.1:" + gateway.port();
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> labelled = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/images/" + ids.get(0) + "/label"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"label\": 3}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(202);
                HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/events"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
                try (java.util.stream.Stream<String> lines = events.body()) {
                    java.util.Iterator<String> line = lines.iterator();
                    assertThat(line.next()).isEqualTo(": subscribed to every image");
                    String pushed = upload(gateway, 40, 41).get(0);
                    // Read on a thread of its own, so that a stream that never sends fails the test instead of hanging it.
                    String data = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        String next;
                        do {
                            next = line.next();
                        } while (!next.startsWith("data: "));
                        return next;
                    }).get(90, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(data).contains(pushed);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String image;
                do {
                    Thread.sleep(250);
                    image = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/images/" + ids.get(0))).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } while (!image.contains("\"label\":{\"digit\":3") && System.nanoTime() < deadline);
                assertThat(image).as("the person's label, written by the sink").contains("\"label\":{\"digit\":3");

                // The gateway's, classifier's and sink's credentials cannot publish a model; the operator's can.
                for (String service : List.of("gateway", "classifier", "sink")) {
                    assertThatThrownBy(() -> ModelPublisher.publish(kafka.clientProperties(service), ShippedModels.V2.bytes()))
                            .as("%s publishing a model", service).hasRootCauseInstanceOf(TopicAuthorizationException.class);
                }
                String v2 = ModelPublisher.publish(kafka.clientProperties("operator"), ShippedModels.V2.bytes());
                awaitActive(classifier, v2);
                awaitClassified(gateway, upload(gateway, 20, 30), v2);
                // The operator replays the topic with v2 from the command line, logged in by --kafka-config: the first 20 images
                // get v2's predictions too, under the reclassify ACLs.
                assertThat(InkstreamCli.run("reclassify", "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
                        clientConfig(kafka, "operator").toString(), "--model", v2, "--data-dir", temp.resolve("no-local-run").toString(),
                        "--timeout", "3m")).isZero();
                awaitClassified(gateway, ids, v2);

                // A shadow, under the same ACLs: only the operator may name one; the classifier reads the role and writes the
                // shadow's answers, the sink reads them, the gateway lists the shadow. The shipped model answers, v2 shadows it.
                assertThatThrownBy(() -> ModelPublisher.nameShadow(kafka.clientProperties("gateway"), Optional.of(v2)))
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
                ModelPublisher.publish(kafka.clientProperties("operator"), ShippedModels.DEFAULT.bytes());
                awaitActive(classifier, shipped);
                assertThat(InkstreamCli.run("shadow", v2, "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
                        clientConfig(kafka, "operator").toString(), "--data-dir", temp.resolve("no-local-run").toString())).isZero();
                long shadowDeadline = System.nanoTime() + WITHIN.toNanos();
                while (!classifier.models().shadowVersion().equals(Optional.of(v2))) {
                    assertThat(System.nanoTime()).as("the classifier's shadow").isLessThan(shadowDeadline);
                    Thread.sleep(100);
                }
                awaitClassified(gateway, upload(gateway, 30, 31), shipped);
                String listed;
                do {
                    Thread.sleep(500);
                    listed = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/models")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } while (!listed.contains("\"asShadow\":{\"predictions\":1") && System.nanoTime() < shadowDeadline);
                assertThat(JSON.readTree(listed).path("shadow").asText()).as(listed).isEqualTo(v2);
                assertThat(listed).as("the shadow's answer, counted by the sink").contains("\"asShadow\":{\"predictions\":1");

                Properties wrongPassword = kafka.clientProperties("operator");
                wrongPassword.put("sasl.jaas.config", LocalKafka.jaas("operator", "not-the-password"));
                assertThatThrownBy(() -> ModelPublisher.publish(wrongPassword, ShippedModels.V2.bytes()))
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }

            // The roles: the gateway reads and writes only its Idempotency-Keys, the sink writes but cannot change the schema.
            try (CqlSession asGateway = session(cassandra, "inkstream_gateway", gatewayPassword, Optional.of(trustStore), Optional.of(clientStore));
                 CqlSession asSink = session(cassandra, "inkstream_sink", sinkPassword, Optional.of(trustStore), Optional.of(clientStore))) {
                // 21 + 1 images by the shipped model, and 31 by v2 (10 live, the rest replayed); v2's shadow answer kept apart.
                assertThat(asGateway.execute("SELECT count(*) FROM inkstream.predictions_by_image").one().getLong(0)).isEqualTo(53);
                assertThat(asGateway.execute("SELECT count(*) FROM inkstream.shadow_predictions_by_image").one().getLong(0)).isEqualTo(1);
                assertThatThrownBy(() -> asGateway.execute("INSERT INTO inkstream.schema_version (component, version) VALUES ('x', 1)"))
                        .isInstanceOf(UnauthorizedException.class);
                // Its one table to write: the Idempotency-Keys every gateway instance shares.
                asGateway.execute("INSERT INTO inkstream.upload_keys (idempotency_key, state) VALUES ('roles-check', 'published')");
                asSink.execute("INSERT INTO inkstream.schema_version (component, version) VALUES ('sink-may-write', 1)");
                assertThatThrownBy(() -> asSink.execute("DROP TABLE inkstream.schema_version")).isInstanceOf(UnauthorizedException.class);
            }

            // The controls: without TLS, trusting another node's certificate, without a client certificate, or showing one the
            // node does not trust, the same login gets no session.
            Path anotherNode = SelfSignedKeyStores.create(temp, "another-node", STORE_PASSWORD);
            Path otherStore = SelfSignedKeyStores.certificateOnly(anotherNode, STORE_PASSWORD);
            assertThatThrownBy(() -> session(cassandra, "inkstream_sink", sinkPassword, Optional.empty(), Optional.empty()).close())
                    .as("plain CQL to the node's TLS port").isInstanceOf(AllNodesFailedException.class);
            assertThatThrownBy(() -> session(cassandra, "inkstream_sink", sinkPassword, Optional.of(otherStore), Optional.of(clientStore)).close())
                    .as("TLS trusting another certificate").isInstanceOf(AllNodesFailedException.class);
            assertThatThrownBy(() -> session(cassandra, "inkstream_sink", sinkPassword, Optional.of(trustStore), Optional.empty()).close())
                    .as("TLS without a client certificate").isInstanceOf(AllNodesFailedException.class);
            assertThatThrownBy(() -> session(cassandra, "inkstream_sink", sinkPassword, Optional.of(trustStore), Optional.of(anotherNode)).close())
                    .as("TLS showing a client certificate the node does not trust").isInstanceOf(AllNodesFailedException.class);
        }
    }

    /** A service's environment: the broker, and its own SCRAM login as INKSTREAM_KAFKA_CLIENT_*. */
    private static Map<String, String> login(LocalKafka kafka, String user) {
        Properties client = kafka.clientProperties(user);
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.BOOTSTRAP, kafka.bootstrapServers());
        env.put(KafkaClientSettings.PREFIX + "SECURITY_PROTOCOL", client.getProperty("security.protocol"));
        env.put(KafkaClientSettings.PREFIX + "SASL_MECHANISM", client.getProperty("sasl.mechanism"));
        env.put(KafkaClientSettings.PREFIX + "SASL_JAAS_CONFIG", client.getProperty("sasl.jaas.config"));
        return env;
    }

    /** {@code env} reaching the broker on its SASL_SSL listener, trusting its certificate and showing the services'. */
    private static Map<String, String> overTls(Map<String, String> env, Map<String, String> tls) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(tls);
        return all;
    }

    private static Instant clientCertificateExpiry(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return ((X509Certificate) store.getCertificate(store.aliases().nextElement())).getNotAfter().toInstant();
    }

    private static Map<String, String> with(Map<String, String> env, String... pairs) {
        Map<String, String> all = new HashMap<>(env);
        for (int i = 0; i < pairs.length; i += 2) {
            all.put(pairs[i], pairs[i + 1]);
        }
        return all;
    }

    /** A client properties file, as an operator hands one to Kafka's tools and to {@code --kafka-config}. */
    private Path clientConfig(LocalKafka kafka, String user) throws Exception {
        Properties login = kafka.clientProperties(user);
        login.remove("bootstrap.servers");
        Path file = temp.resolve(user + ".properties");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            login.store(out, null);
        }
        return file;
    }

    /**
     * A session as a service opens one: the role's login, and TLS trusting {@code trustStore}'s certificates and showing
     * {@code keyStore}'s, if given.
     */
    private static CqlSession session(LocalCassandra cassandra, String role, String password, Optional<Path> trustStore,
                                      Optional<Path> keyStore) {
        Map<String, String> environment = new HashMap<>(Map.of(CassandraSessions.USERNAME, role, CassandraSessions.PASSWORD, password));
        trustStore.ifPresent(store -> {
            environment.put(CassandraSessions.TLS_TRUSTSTORE, store.toString());
            environment.put(CassandraSessions.TLS_TRUSTSTORE_PASSWORD, STORE_PASSWORD);
        });
        keyStore.ifPresent(store -> {
            environment.put(CassandraSessions.TLS_KEYSTORE, store.toString());
            environment.put(CassandraSessions.TLS_KEYSTORE_PASSWORD, STORE_PASSWORD);
        });
        return CassandraSessions.open(List.of(cassandra.contactPoint()), cassandra.localDatacenter(),
                CassandraSessions.access(new Environment(environment)), "secured-it");
    }

    private static List<String> upload(GatewayService gateway, int from, int to) throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        List<ImageUploader.Image> images = new ArrayList<>();
        for (int i = from; i < to; i++) {
            images.add(new ImageUploader.Image("digit-" + i + ".mnist", digits.images().imageBytes(i), OptionalInt.of(digits.label(i))));
        }
        return new ImageUploader("http://127.0.0.1:" + gateway.port()).upload(images);
    }

    /** Polls the gateway until every image is classified by {@code model}; fails with what it last saw. */
    private static void awaitClassified(GatewayService gateway, List<String> ids, String model) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                    + "/api/images?ids=" + String.join(",", ids))).build(), HttpResponse.BodyHandlers.ofString());
            last = answer.body();
            JsonNode images = JSON.readTree(last).path("images");
            long done = 0;
            for (JsonNode image : images) {
                for (JsonNode prediction : image.path("predictions")) {
                    if (prediction.path("model").asText().equals(model)) {
                        done++;
                    }
                }
            }
            if (done == ids.size()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(ids.size() + " images not all classified by " + model + " within " + WITHIN + "; last answer: " + last);
    }

    private static void awaitActive(ClassifierService classifier, String version) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!classifier.models().current().map(m -> m.version()).orElse("none").equals(version)) {
            assertThat(System.nanoTime()).as("%s active; it is %s", version, classifier.models().current().map(m -> m.version()))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
