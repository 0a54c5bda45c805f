package io.inkstream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
}
