package io.inkstream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.classifier.topology.ClassifierTopology;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The classifier on the real broker: end to end, dead letters, health and metrics. */
@ExtendWith(SharedInfrastructure.class)
class ClassifierIT {
    private static LabelledDigits digits;

    @TempDir
    Path state;

    @BeforeAll
    static void loadDigits() {
        digits = BundledMnist.validation();
    }

    @Test
    void classifiesAThousandDigitsEndToEndAndServesHealthAndMetrics(KafkaCluster kafka) throws Exception {
        String prefix = "e2e-" + UUID.randomUUID() + "-";
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers())
                .withApplicationId("classifier-it-" + UUID.randomUUID()).withHttpPort(0).withStateDir(state);
        try (ClassifierService classifier = ClassifierService.start(config)) {
            PipelineTraffic.produce(kafka, prefix, digits, 0, 1000);

            List<Prediction> predictions = PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix), 1000, Duration.ofSeconds(120));

            // Other test classes share the broker and may have published newer models: the instance follows the newest.
            String inUse = classifier.models().current().orElseThrow().version();
            assertThat(predictions).hasSize(1000);
            assertThat(predictions.stream().map(Prediction::imageId).collect(Collectors.toSet())).hasSize(1000);
            assertThat(predictions).allSatisfy(p -> {
                assertThat(p.modelVersion()).isEqualTo(inUse);
                assertThat(p.source()).isEqualTo("it");
                assertThat(p.trueLabel()).isNotNull();
            });
            assertThat(predictions.stream().filter(Prediction::correct).count()).isGreaterThanOrEqualTo(960);
            // The wait above stops at 1000; reading to the topic's end counts a duplicate too.
            assertThat(TopicReader.readToEnd(kafka, Topics.PREDICTIONS, key -> key.startsWith(prefix), Duration.ofSeconds(60)))
                    .as("committed predictions of this run, to the topic's end").hasSize(1000);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + classifier.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains(inUse);
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + classifier.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("inkstream_classifier_images_classified_total")
                    .contains("inkstream_classifier_batch_size")
                    .contains("inkstream_classifier_models_refused_total")
                    .contains("inkstream_classifier_model_active{version=\"" + inUse + "\"} 1.0")
                    .contains("kafka_consumer_fetch_manager_records_lag");
        }
    }

    @Test
    void aBadImageGoesToTheDeadLetterTopicAndTheStreamGoesOn(KafkaCluster kafka) throws Exception {
        String prefix = "dlq-" + UUID.randomUUID() + "-";
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers())
                .withApplicationId("classifier-it-" + UUID.randomUUID()).withHttpPort(0).withStateDir(state);
        try (ClassifierService classifier = ClassifierService.start(config)) {
            Properties props = kafka.clientProperties();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.IMAGES, prefix + "good-a", digits.images().imageBytes(0)));
                producer.send(new ProducerRecord<>(Topics.IMAGES, prefix + "bad", "%PDF-1.4 not a digit".getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(Topics.IMAGES, prefix + "good-b", digits.images().imageBytes(1)));
            }

            List<Prediction> predictions = PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix), 2, Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(kafka, Topics.IMAGES_DLQ, key -> key.startsWith(prefix), 1, Duration.ofSeconds(30));

            assertThat(predictions).extracting(Prediction::imageId).containsExactlyInAnyOrder(prefix + "good-a", prefix + "good-b");
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("%PDF-1.4 not a digit");
            assertThat(Headers.text(dead.get(0).headers(), Headers.ERROR_CLASS)).contains("unknown-format");
            assertThat(TopicReader.readToEnd(kafka, Topics.IMAGES_DLQ, key -> key.startsWith(prefix), Duration.ofSeconds(60)))
                    .as("dead letters of this run, to the topic's end: one, not one at least").hasSize(1);
            assertThat(TopicReader.readToEnd(kafka, Topics.PREDICTIONS, key -> key.startsWith(prefix), Duration.ofSeconds(60))).hasSize(2);
        }
    }

    /**
     * Records any producer can write, on the real broker, where each topic's limit holds: an image at the byte cap, which
     * waits in the buffer across commits (its changelog record is the image record; the changelog's default limit, 1 MiB,
     * refused it), a 2 MB header (the prediction would be larger than its topic takes), keys no table can hold, and a
     * submitted-at no table can hold. Each refusal failed the transaction, on the same record after every restart of
     * the thread: nothing was classified after them.
     */
    @Test
    void recordsAnyProducerCanWriteAreClassifiedOrDeadLetteredAndTheStreamGoesOn(KafkaCluster kafka) throws Exception {
        String prefix = "hostile-" + UUID.randomUUID() + "-";
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers())
                .withApplicationId("classifier-it-" + UUID.randomUUID()).withHttpPort(0).withStateDir(state)
                // Batches wait 2 s: every image is still in the buffer at a commit or two, so its changelog gets it.
                .withBatch(new BatchSettings(256, Duration.ofSeconds(2)));
        try (ClassifierService classifier = ClassifierService.start(config)) {
            Properties props = kafka.clientProperties();
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES);
            Instant sent = Instant.parse("2026-12-05T08:00:00Z");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(record(prefix + "good-a", digits.images().imageBytes(0), Headers.image("application/x-mnist", "it",
                        sent, Optional.empty(), OptionalInt.empty())));
                byte[] atTheCap = pngOfExactly(PreprocessingLimits.DEFAULT.maxBytes(), digits.images().imageBytes(1));
                producer.send(record(prefix + "at-the-cap", atTheCap, Headers.image("image/png", "it", sent, Optional.of("scan.png"),
                        OptionalInt.empty())));
                RecordHeaders large = new RecordHeaders();
                large.add(Headers.SOURCE, new byte[2_000_000]);
                producer.send(record(prefix + "large-headers", digits.images().imageBytes(2), large));
                producer.send(record(prefix + "k".repeat(300), digits.images().imageBytes(3), new RecordHeaders()));
                byte[] notUtf8 = Arrays.copyOf((prefix + "not-utf8-").getBytes(StandardCharsets.UTF_8), prefix.length() + 10);
                notUtf8[notUtf8.length - 1] = (byte) 0xff; // never a byte of UTF-8
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, notUtf8, digits.images().imageBytes(4)));
                RecordHeaders farFuture = new RecordHeaders();
                farFuture.add(Headers.SUBMITTED_AT, Headers.utf8("+999999999-12-31T23:59:59Z"));
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, sent.toEpochMilli(), (prefix + "far-future").getBytes(StandardCharsets.UTF_8),
                        digits.images().imageBytes(5), farFuture));
                producer.send(record(prefix + "good-b", digits.images().imageBytes(6), new RecordHeaders()));
            }

            List<Prediction> predictions = PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix), 4, Duration.ofSeconds(90));
            assertThat(predictions).extracting(Prediction::imageId).containsExactlyInAnyOrder(prefix + "good-a", prefix + "at-the-cap",
                    prefix + "far-future", prefix + "good-b");
            assertThat(predictions).filteredOn(p -> p.imageId().endsWith("far-future")).singleElement()
                    .satisfies(p -> assertThat(p.submittedAt()).isEqualTo(sent));
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(kafka, Topics.IMAGES_DLQ, key -> key.startsWith(prefix), 3,
                    Duration.ofSeconds(30));
            assertThat(dead).extracting(r -> Headers.text(r.headers(), Headers.ERROR_CLASS).orElseThrow())
                    .containsExactlyInAnyOrder("headers-too-large", "invalid-id", "invalid-id");
            // Read to the topics' ends: each once, not once at least (a failed transaction's records, replayed, would be twice).
            assertThat(TopicReader.readToEnd(kafka, Topics.PREDICTIONS, key -> key.startsWith(prefix), Duration.ofSeconds(60))).hasSize(4);
            assertThat(TopicReader.readToEnd(kafka, Topics.IMAGES_DLQ, key -> key.startsWith(prefix), Duration.ofSeconds(60))).hasSize(3);
            assertThat(classifier.models().current()).isPresent();
        }
    }

    /** A changelog an older build made has the broker's default limit (1 MiB), which an image at the cap outgrows: raised at start. */
    @Test
    void aBufferChangelogMadeWithTheBrokersDefaultLimitIsRaisedAtStartAndNeverLowered(KafkaCluster kafka) throws Exception {
        String applicationId = "classifier-it-" + UUID.randomUUID();
        String changelog = ClassifierTopology.bufferChangelog(applicationId);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(changelog, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(messageLimit(admin, changelog)).isEqualTo(1024 * 1024 + 12);
            ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers()).withApplicationId(applicationId).withHttpPort(0)
                    .withStateDir(state);
            try (ClassifierService classifier = ClassifierService.start(config)) {
                assertThat(messageLimit(admin, changelog)).isEqualTo(PipelineTopics.IMAGE_COPY_MAX_MESSAGE_BYTES);
            }
            PipelineTopics.raiseMessageLimits(admin, Map.of(changelog, 1000, "no-such-topic-" + UUID.randomUUID(), 1000));
            assertThat(messageLimit(admin, changelog)).isEqualTo(PipelineTopics.IMAGE_COPY_MAX_MESSAGE_BYTES);
        }
    }

    /** The topic's limit, once the broker asked knows the topic (created, it may not have the metadata yet). */
    private static int messageLimit(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return Integer.parseInt(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get("max.message.bytes").value());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new AssertionError("the limit of " + topic + " could not be read within 30 s", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value, RecordHeaders headers) {
        return new ProducerRecord<>(Topics.IMAGES, null, key.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** A PNG of the digit, padded to exactly {@code size} bytes by a private ancillary chunk before its end, which readers skip. */
    private static byte[] pngOfExactly(int size, byte[] digit) {
        byte[] png = DigitRenderer.png(DigitRenderer.render(digit, 200, 200, 150, 25, 25, 0));
        int data = size - png.length - 12;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(png, 0, png.length - 12); // everything before IEND
        byte[] type = "prVt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(new byte[data]);
        out.putInt(data).put(type).put(new byte[data]).putInt((int) crc.getValue());
        out.put(png, png.length - 12, 12);
        return out.array();
    }
}
