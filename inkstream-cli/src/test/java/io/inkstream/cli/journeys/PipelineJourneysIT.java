package io.inkstream.cli.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.reclassify.ReclassifyRun;
import io.inkstream.classifier.reclassify.ReclassifySummary;
import io.inkstream.cli.CliRun;
import io.inkstream.cli.deploy.AlertRulesTest;
import io.inkstream.cli.model.LocalModelKey;
import io.inkstream.cli.stack.PipelineServices;
import io.inkstream.cli.upload.ImageUploader;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import io.inkstream.store.ModelAccuracy;
import io.inkstream.store.PeopleAccuracy;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.StoredPrediction;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three user journeys end to end, on the real broker and the real Cassandra node, with the
 * sink, classifier and gateway running as `inkstream up` runs them: a producer pushing straight
 * onto the topic, uploads through the REST API, and an operator replaying everything with v2.
 */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineJourneysIT {
    private static final int IMAGES = 500;
    private static final Duration ROWS_WITHIN = Duration.ofSeconds(180);
    /** Images people correct in the loop's journey. */
    private static final int CORRECTED = 60;

    private static LabelledDigits digits;
    private static PipelineServices services;
    private static CqlSession session;
    private static KafkaCluster kafka;
    private static String cassandraAddress;
    /** The local run's data of these journeys: its model key signs what the operator trains, and the services trust it. */
    private static Path dataDir;
    /** Every image the journeys sent: id -> true digit. */
    private static final Map<String, Integer> sent = new HashMap<>();

    @BeforeAll
    static void start(KafkaCluster kafkaCluster, CassandraCluster cassandra) throws Exception {
        kafka = kafkaCluster;
        cassandraAddress = cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort();
        digits = BundledMnist.validation();
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.BOOTSTRAP, kafka.bootstrapServers());
        env.put(GatewayConfig.CONTACT_POINTS, cassandraAddress);
        env.put(GatewayConfig.PORT, "0");
        env.put(GatewayConfig.ACCURACY_REFRESH_MS, "1000"); // the journeys that wait for /api/models' figures wait less
        env.put(ClassifierConfig.HTTP_PORT, "0");
        env.put(SinkConfig.HTTP_PORT, "0");
        env.put(ClassifierConfig.STATE_DIR, Files.createTempDirectory("journeys-classifier-").toString());
        dataDir = Files.createTempDirectory("journeys-data-");
        LocalModelKey.ensure(dataDir);
        env.put(ClassifierConfig.TRUSTED_KEYS, LocalModelKey.trustedKeys("", dataDir)); // as `inkstream up` trusts its own key
        services = PipelineServices.start(new Environment(env));
        session = cassandra.sessionBuilder().build();
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    @Order(1)
    void aProducerPushesFiveHundredDigitsStraightOntoTheTopicAndTheyAreClassifiedIntoCassandra() throws Exception {
        Map<String, Integer> journey = new HashMap<>();
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < IMAGES; i++) {
                String id = "producer-" + UUID.randomUUID();
                boolean png = i % 2 == 1;
                RecordHeaders headers = new RecordHeaders();
                headers.add(Headers.LABEL, Headers.utf8(Integer.toString(digits.label(i))));
                headers.add(Headers.SOURCE, Headers.utf8("journey-producer"));
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, id, image(i, png), headers));
                journey.put(id, digits.label(i));
            }
        }
        sent.putAll(journey);

        Map<String, StoredPrediction> rows = awaitRows(journey.keySet(), 1);

        assertThat(rows).hasSize(IMAGES);
        assertThat(accuracy(rows, journey)).isGreaterThanOrEqualTo(0.95);
        assertThat(rows.values()).allSatisfy(p -> assertThat(p.source()).isEqualTo("journey-producer"));
    }

    @Test
    @Order(2)
    void aProgramUploadsTheSameThroughTheRestApiAndTheyAreClassifiedIntoCassandra() throws Exception {
        ImageUploader uploader = new ImageUploader("http://127.0.0.1:" + services.gateway().port());
        Map<String, Integer> journey = new HashMap<>();
        for (int batch = 0; batch < IMAGES; batch += 25) {
            List<ImageUploader.Image> images = new ArrayList<>();
            for (int i = batch; i < batch + 25; i++) {
                boolean png = i % 2 == 1;
                images.add(new ImageUploader.Image("digit-" + i + (png ? ".png" : ".mnist"), image(i, png), OptionalInt.of(digits.label(i))));
            }
            List<String> ids = uploader.upload(images);
            for (int k = 0; k < ids.size(); k++) {
                journey.put(ids.get(k), digits.label(batch + k));
            }
        }
        sent.putAll(journey);

        Map<String, StoredPrediction> rows = awaitRows(journey.keySet(), 1);

        assertThat(rows).hasSize(IMAGES);
        assertThat(accuracy(rows, journey)).isGreaterThanOrEqualTo(0.95);
        assertThat(rows.values()).allSatisfy(p -> assertThat(p.source()).isEqualTo("gateway"));
    }

    @Test
    @Order(3)
    void anOperatorPublishesV2AndReplaysTheTopicAndEveryImageHasBothModelsPredictions() throws Exception {
        String v2 = ModelPublisher.publish(kafka.clientProperties(), ShippedModels.V2.bytes());
        String shipped = ShippedModels.DEFAULT.load().version();
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(Files.createTempDirectory("journeys-reclassify-"));

        ReclassifySummary summary = new ReclassifyRun(new ReclassifyRun.Settings(config, v2, Optional.empty(), Duration.ofMinutes(5)))
                .run(progress -> { });

        Map<String, List<StoredPrediction>> both = awaitBothModels(sent.keySet(), shipped, v2);
        assertThat(both).hasSize(sent.size());
        // The summary is computed from the predictions topic; the tables must tell the same story.
        PredictionReader reader = new PredictionReader(session);
        ModelAccuracy v2Rows = awaitModelRows(reader, v2, summary.images());
        assertThat(v2Rows.predictions()).isEqualTo(summary.images());
        assertThat(v2Rows.labelled()).isEqualTo(summary.labelled());
        assertThat(v2Rows.correct()).isEqualTo(summary.correct());
        assertThat(reader.countHistory(v2)).isEqualTo(v2Rows); // the running counts agree with the history rows
        long agreeing = both.values().stream().filter(p -> p.get(0).label() == p.get(1).label()).count();
        assertThat(summary.comparedImages()).isEqualTo(sent.size());
        assertThat(summary.agreeing()).isEqualTo(agreeing);
        assertThat(summary.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(summary.processedThisRun()).isEqualTo(sent.size());
    }

    @Test
    @Order(4)
    void theCliProducesDigitsAndReadsTheirPredictionsBack() throws Exception {
        CliRun produced = cli("produce", "--mnist", "20", "--print-ids", "--bootstrap", kafka.bootstrapServers());
        assertThat(produced.exit()).isZero();
        List<String> ids = produced.out().lines().map(line -> line.split(" ")[0]).toList();
        assertThat(ids).hasSize(20);
        awaitRows(ids, 1);

        CliRun answer = cli("predictions", "--image", ids.get(0), "--cassandra", cassandraAddress);
        assertThat(answer.exit()).isZero();
        assertThat(answer.out()).startsWith(ids.get(0) + " ").contains("true=" + digits.label(0));

        // An image id is any producer's text: one with a terminal's escape and a line break is printed on one line, escaped
        // (it printed a second line that read as another image's prediction).
        String forged = "journey-" + UUID.randomUUID() + "\u001b[2J\nforged v3-3e4d1ee016f4 7 0.9999";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, forged, digits.images().imageBytes(2))).get();
        }
        awaitRows(List.of(forged), 1);
        assertThat(cli("predictions", "--image", forged, "--cassandra", cassandraAddress).out().lines().toList()).singleElement()
                .asString().startsWith(forged.replace("\u001b", "\\u001b").replace("\n", "\\n") + " ");

        // From files, labelled by their directory: what is not an image, or not there, is skipped with its reason (on
        // stderr) and the rest is produced; a missing path used to stop the command before it sent anything.
        Path directory = Files.createTempDirectory("journeys-produce-");
        Files.write(Files.createDirectories(directory.resolve(Integer.toString(digits.label(1)))).resolve("scan.png"), image(1, true));
        Files.writeString(directory.resolve("notes.txt"), "not an image");
        CliRun fromFiles = cli("produce", "--labels-from-names", "--print-ids", "--bootstrap", kafka.bootstrapServers(),
                directory.toString(), directory.resolve("missing.png").toString());
        assertThat(fromFiles.exit()).isZero();
        assertThat(fromFiles.out().lines().toList()).singleElement().asString().endsWith(" scan.png label=" + digits.label(1));
        String id = fromFiles.out().split(" ")[0];
        awaitRows(List.of(id), 1);
        assertThat(cli("predictions", "--image", id, "--cassandra", cassandraAddress).out()).contains("true=" + digits.label(1));
    }

    /**
     * The Grafana dashboard that compose provisions (deploy/grafana) and the alerts Prometheus evaluates
     * (deploy/prometheus/alerts.yml) query only metrics the running services export. A few are made on
     * first use (a refused request, a dead letter): this makes one of each first, as an operator's day would.
     * A few exist only with TLS or a file of API keys, which this stack has not: other tests read them.
     */
    @Test
    @Order(5)
    void everyMetricTheDashboardAndTheAlertsQueryIsExportedByARunningService() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "deploy", "grafana", "dashboards", "inkstream.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asText());
            }
        }
        int panels = expressions.size();
        for (JsonNode rule : AlertRulesTest.rules()) {
            expressions.add(rule.get("expr").asText());
        }
        Set<String> queried = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:inkstream|kafka|jvm|process)_[a-z0-9_]+)\\b");
        for (String expression : expressions) {
            Matcher names = metric.matcher(expression);
            while (names.find()) {
                queried.add(names.group(1));
            }
        }
        assertThat(panels).as("the dashboard's queries").isGreaterThan(10);
        assertThat(expressions.size() - panels).as("the alerts").isGreaterThan(5);
        // Exported only with TLS or a file of API keys: SecuredPipelineIT, GatewayTlsIT and GatewayEdgeIT read them.
        Set<String> elsewhere = Set.of("inkstream_gateway_certificate_expiry_timestamp_seconds", "inkstream_gateway_certificate_renewals_total",
                "inkstream_cassandra_client_certificate_expiry_timestamp_seconds", "inkstream_kafka_client_certificate_expiry_timestamp_seconds",
                "inkstream_gateway_api_keys_renewals_total");
        assertThat(queried).as("the metrics only other tests can see are queried").containsAll(elsewhere);
        queried.removeAll(elsewhere);

        HttpClient http = HttpClient.newHttpClient();
        String gateway = "http://127.0.0.1:" + services.gateway().port();
        // A refused upload (an unknown format), a refused request (a page of another origin), and a dead letter in each stage.
        http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/images")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("not an image")).build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/images")).header("Origin", "http://elsewhere.example")
                .header("Content-Type", "application/x-mnist").POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(0)))
                .build(), HttpResponse.BodyHandlers.discarding());
        Properties props = kafka.clientProperties();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, "metrics-" + UUID.randomUUID(), "not an image".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "metrics-" + UUID.randomUUID(), "not a prediction".getBytes(StandardCharsets.UTF_8)));
        }

        List<String> endpoints = List.of(gateway + "/metrics", "http://127.0.0.1:" + services.classifier().httpPort() + "/metrics",
                "http://127.0.0.1:" + services.sink().httpPort() + "/metrics");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> missing = new TreeSet<>(queried);
        Set<String> unexplained = new TreeSet<>();
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            Set<String> exported = new TreeSet<>();
            unexplained.clear();
            for (String endpoint : endpoints) {
                List<String> lines = http.send(HttpRequest.newBuilder(URI.create(endpoint)).build(), HttpResponse.BodyHandlers.ofString())
                        .body().lines().toList();
                lines.stream().filter(line -> !line.startsWith("#")).map(line -> line.split("[{ ]", 2)[0]).forEach(exported::add);
                lines.stream().filter(line -> line.startsWith("# HELP inkstream")).map(line -> line.substring("# HELP ".length()).split(" ", 2))
                        .filter(help -> help.length < 2 || help[1].isBlank()).forEach(help -> unexplained.add(help[0]));
            }
            missing.removeAll(exported);
            if (!missing.isEmpty()) {
                Thread.sleep(1000);
            }
        }
        assertThat(missing).as("metrics the dashboard or the alerts query that no running service exports").isEmpty();
        assertThat(unexplained).as("our metrics whose HELP line says nothing").isEmpty();
    }

    /**
     * The loop with people, from the CLI: digits the models have never seen (MNIST digits turned a quarter turn) are uploaded,
     * mostly misread, and people say through the API what each is; `train --with-corrections` reads those labels and images
     * off the topics and trains a model that reads the corrected images; the operator publishes it and reclassifies, and in
     * Cassandra the new model's answers on people's labels are right where the old one's were wrong.
     */
    @Test
    @Order(6)
    void peoplesCorrectionsTrainAModelThatFixesThemAndTheReplayCountsItOnTheirLabels() throws Exception {
        String gateway = "http://127.0.0.1:" + services.gateway().port();
        ImageUploader uploader = new ImageUploader(gateway);
        Map<String, Integer> truth = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < CORRECTED; batch += 20) {
            List<ImageUploader.Image> turned = new ArrayList<>();
            for (int i = batch; i < batch + 20; i++) {
                turned.add(new ImageUploader.Image("turned-" + i + ".mnist", quarterTurn(digits.images().imageBytes(1000 + i)),
                        OptionalInt.empty()));
            }
            List<String> uploaded = uploader.upload(turned);
            for (int k = 0; k < uploaded.size(); k++) {
                truth.put(uploaded.get(k), digits.label(1000 + batch + k));
            }
            ids.addAll(uploaded);
        }
        Map<String, StoredPrediction> answered = awaitRows(ids, 1);
        assertThat(answered).hasSize(CORRECTED);
        String before = answered.values().iterator().next().modelVersion();
        HttpClient http = HttpClient.newHttpClient();
        for (String id : ids) {
            HttpResponse<String> labelled = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/images/" + id + "/label"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"label\": " + truth.get(id) + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(202);
        }
        PredictionReader reader = new PredictionReader(session);
        PeopleAccuracy misread = awaitPeople(reader, before, CORRECTED);
        assertThat(misread.accuracy()).as("the model before reads turned digits badly").isLessThan(0.6);

        Path model = dataDir.resolve("corrected.zip");
        Path v2 = Files.write(dataDir.resolve("v2.zip"), ShippedModels.V2.bytes());
        CliRun train = cli("train", "--with-corrections", "--architecture", "seed", "--epochs", "3", "--no-augment", "--corrections-weight", "30",
                "--compare-with", v2.toString(), "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString(), "-o", model.toString());
        assertThat(train.exit()).as(train.out()).isZero();
        assertThat(train.out()).contains("corrections: " + CORRECTED + " images corrected, " + CORRECTED + " found on the images topic");
        // All labelled from this one client: the gateway named one labeller, and 60 are within its cap.
        assertThat(train.out()).containsPattern("labellers: 1 named, 0 images naming none; 0 contested \\(as many labellers give another "
                + "digit: left out\\); the most one gives is " + CORRECTED + " of the "
                + CORRECTED + " images kept \\(100%, labeller [0-9a-f]{16}\\); 0 left out beyond --corrections-per-labeller 200 .*; no "
                + "labeller disagrees with another");
        Matcher trainedOn = Pattern.compile("trained on +(\\d+) images: new model (\\S+) ([0-9.]+)% \\(\\d+ right\\), \\S+ ([0-9.]+)%")
                .matcher(train.out());
        assertThat(trainedOn.find()).as(train.out()).isTrue();
        assertThat(Double.parseDouble(trainedOn.group(3))).as("the new model on the corrections it learnt").isGreaterThanOrEqualTo(90.0);
        assertThat(Double.parseDouble(trainedOn.group(4))).as("v2 on the same").isLessThan(60.0);
        assertThat(train.out()).contains("held out (never trained on)");
        String version = trainedOn.group(2);

        assertThat(cli("publish-model", model.toString(), "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString()).exit())
                .isZero();
        CliRun reclassify = cli("reclassify", "-m", version, "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString(),
                "--timeout", "5m");
        assertThat(reclassify.exit()).as(reclassify.out()).isZero();
        // Every image on the topic has the new model's answer, and on the people's labels it is right where v2 was wrong.
        Map<String, List<StoredPrediction>> both = awaitBothModels(sent.keySet(), ShippedModels.DEFAULT.load().version(), version);
        assertThat(both).hasSize(sent.size());
        PeopleAccuracy fixed = awaitPeople(reader, version, CORRECTED);
        // Most of the 60 were trained on (those it reads ~95% right); the held-out fifth to a third it reads about half right.
        assertThat(fixed.accuracy()).as("the new model on people's labels").isGreaterThanOrEqualTo(0.7)
                .isGreaterThan(misread.accuracy() + 0.3);
    }

    /**
     * The shipped model (v3) runs as the shadow of the model people's corrections trained: the operator names it, producers'
     * images and uploads are answered by the active model alone while the shadow's answers are counted beside them, then the
     * operator promotes it and it answers.
     */
    @Test
    @Order(7)
    void anOperatorShadowsTheShippedModelSeesItsAgreementAndPromotesIt() throws Exception {
        String gateway = "http://127.0.0.1:" + services.gateway().port();
        String shadow = ShippedModels.DEFAULT.load().version();
        String active = modelsView(gateway).get("active").asText();
        assertThat(active).isNotEqualTo(shadow);
        assertThat(cli("shadow", "v-never-published", "--bootstrap", kafka.bootstrapServers()).exit()).isEqualTo(1);
        CliRun ofActive = cli("shadow", active, "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString());
        assertThat(ofActive.out()).as("naming the active model says it will not run").contains("note: " + active + " is the active model");
        CliRun named = cli("shadow", shadow, "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString());
        assertThat(named.exit()).as(named.out()).isZero();
        JsonNode listed = awaitModels(gateway, m -> shadow.equals(m.path("shadow").asText()), "the shadow named");
        assertThat(modelNamed(listed, shadow).get("role").asText()).isEqualTo("shadow");
        awaitClassifier(() -> services.classifier().models().shadowVersion().equals(Optional.of(shadow)), "the classifier's shadow");

        Map<String, Integer> journey = new HashMap<>();
        Properties props = kafka.clientProperties();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                String id = "shadowed-" + UUID.randomUUID();
                RecordHeaders headers = new RecordHeaders();
                headers.add(Headers.LABEL, Headers.utf8(Integer.toString(digits.label(2000 + i))));
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, id, digits.images().imageBytes(2000 + i), headers));
                journey.put(id, digits.label(2000 + i));
            }
        }
        List<String> uploaded = new ImageUploader(gateway).upload(List.of(new ImageUploader.Image("upload.mnist",
                digits.images().imageBytes(2100), OptionalInt.of(digits.label(2100)))));
        journey.put(uploaded.get(0), digits.label(2100));
        Map<String, StoredPrediction> answers = awaitRows(journey.keySet(), 1);
        assertThat(answers).hasSize(journey.size());
        assertThat(answers.values()).as("the shadow never answers").allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(active));

        JsonNode counted = modelNamed(awaitModels(gateway, m -> modelNamed(m, shadow).path("asShadow").path("predictions").asLong() >= 101,
                "the shadow's answers counted"), shadow).get("asShadow");
        assertThat(counted.get("accuracy").asDouble()).as("v3 on producers' labels").isGreaterThanOrEqualTo(0.95);
        assertThat(counted.get("agreement").asDouble()).isBetween(0.5, 1.0);
        assertThat(counted.get("agreed").asLong()).isLessThanOrEqualTo(counted.get("predictions").asLong());

        CliRun promoted = cli("promote", shadow, "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString());
        assertThat(promoted.exit()).as(promoted.out()).isZero();
        assertThat(promoted.out()).contains("promoted " + shadow, "no longer the shadow");
        assertThat(promoted.out()).as("it was not active before").doesNotContain("active model already");
        JsonNode after = awaitModels(gateway, m -> shadow.equals(m.path("active").asText()) && m.path("shadow").isMissingNode(),
                "the shadow promoted");
        assertThat(modelNamed(after, shadow).get("role").asText()).isEqualTo("active");
        awaitClassifier(() -> services.classifier().models().current().map(m -> m.version().equals(shadow)).orElse(false),
                "the classifier's active model");
        List<String> next = new ImageUploader(gateway).upload(List.of(new ImageUploader.Image("after.mnist", digits.images().imageBytes(2101),
                OptionalInt.of(digits.label(2101)))));
        assertThat(awaitRows(next, 1).get(next.get(0)).modelVersion()).as("answered by the promoted model").isEqualTo(shadow);
        CliRun again = cli("promote", shadow, "--bootstrap", kafka.bootstrapServers(), "--data-dir", dataDir.toString());
        assertThat(again.out()).as("promoting the active model says so").contains("it was the active model already");
    }

    private static void awaitClassifier(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + ROWS_WITHIN + ": " + what + "; the classifier has active "
                        + services.classifier().models().current().map(m -> m.version()).orElse("none") + ", shadow "
                        + services.classifier().models().shadowVersion().orElse("none"));
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode modelsView(String gateway) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + "/api/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }

    private static JsonNode modelNamed(JsonNode models, String version) {
        for (JsonNode model : models.get("models")) {
            if (model.get("version").asText().equals(version)) {
                return model;
            }
        }
        return new ObjectMapper().createObjectNode();
    }

    /** Asks /api/models until {@code done} holds (its figures are counted again after a second here); fails with the last answer. */
    private static JsonNode awaitModels(String gateway, java.util.function.Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        JsonNode seen = modelsView(gateway);
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + ROWS_WITHIN + ": " + what + "; /api/models said " + seen);
            }
            Thread.sleep(1000);
            seen = modelsView(gateway);
        }
        return seen;
    }

    private static PeopleAccuracy awaitPeople(PredictionReader reader, String model, int labelled) throws InterruptedException {
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        PeopleAccuracy seen = reader.peopleAccuracy(model, 0);
        while (seen.labelled() < labelled) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("model " + model + " has " + seen.labelled() + " of " + labelled + " people's labels after "
                        + ROWS_WITHIN);
            }
            Thread.sleep(1000);
            seen = reader.peopleAccuracy(model, 0);
        }
        return seen;
    }

    /** A raw MNIST digit turned a quarter turn clockwise: a shape no model here has been trained on. */
    private static byte[] quarterTurn(byte[] raw) {
        byte[] turned = new byte[raw.length];
        for (int row = 0; row < 28; row++) {
            for (int column = 0; column < 28; column++) {
                turned[row * 28 + column] = raw[(27 - column) * 28 + row];
            }
        }
        return turned;
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static byte[] image(int index, boolean png) {
        byte[] raw = digits.images().imageBytes(index);
        return png ? DigitRenderer.png(DigitRenderer.render(raw, 200, 200, 150, 25, 25, 0)) : raw;
    }

    private static double accuracy(Map<String, StoredPrediction> rows, Map<String, Integer> truth) {
        long right = rows.values().stream().filter(p -> p.label() == truth.get(p.imageId())).count();
        assertThat(rows.values()).allSatisfy(p -> assertThat(p.trueLabel()).isEqualTo(truth.get(p.imageId())));
        return (double) right / rows.size();
    }

    /** Polls Cassandra until every id has at least {@code models} predictions; returns the newest of each. */
    private static Map<String, StoredPrediction> awaitRows(java.util.Collection<String> ids, int models) throws InterruptedException {
        PredictionReader reader = new PredictionReader(session);
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        Map<String, StoredPrediction> found = new HashMap<>();
        while (true) {
            for (String id : ids) {
                if (!found.containsKey(id)) {
                    List<StoredPrediction> rows = reader.forImage(id);
                    if (rows.size() >= models) {
                        found.put(id, rows.get(rows.size() - 1));
                    }
                }
            }
            if (found.size() == ids.size() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(1000);
        }
    }

    private static Map<String, List<StoredPrediction>> awaitBothModels(java.util.Collection<String> ids, String first, String second)
            throws InterruptedException {
        PredictionReader reader = new PredictionReader(session);
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        Map<String, List<StoredPrediction>> found = new HashMap<>();
        while (true) {
            for (String id : ids) {
                if (!found.containsKey(id)) {
                    Map<String, StoredPrediction> byModel = new HashMap<>();
                    reader.forImage(id).forEach(p -> byModel.put(p.modelVersion(), p));
                    if (byModel.containsKey(first) && byModel.containsKey(second)) {
                        found.put(id, List.of(byModel.get(first), byModel.get(second)));
                    }
                }
            }
            if (found.size() == ids.size() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(1000);
        }
    }

    private static ModelAccuracy awaitModelRows(PredictionReader reader, String model, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + ROWS_WITHIN.toNanos();
        ModelAccuracy rows = reader.accuracy(model);
        while (rows.predictions() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            rows = reader.accuracy(model);
        }
        return rows;
    }
}
