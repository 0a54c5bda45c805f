package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.http.ApiProblem;
import io.inkstream.gateway.it.GatewayClient.Answer;
import io.inkstream.gateway.it.RunningPipeline.Pipeline;
import io.inkstream.image.rejection.RejectionReason;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.render.HostileImages;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hostile corpus (decompression bombs, truncated and malformed images of each format, huge
 * dimensions, polyglots) through the gateway and straight onto the topic, each one between two
 * good digits: every hostile file is refused with a clear error or dead-lettered with its reason,
 * every good digit is classified, and no service restarts.
 */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class HostileInputIT {
    private static final Set<Integer> REFUSAL_STATUSES = Arrays.stream(RejectionReason.values()).map(ApiProblem::status)
            .collect(Collectors.toSet());
    private static final Set<String> REASON_CODES = Arrays.stream(RejectionReason.values()).map(RejectionReason::code).collect(Collectors.toSet());
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final String SCAN_BOMB = "jpeg-4096x4096-29000-empty-scans-bomb";

    private static Pipeline pipeline;
    private static GatewayClient client;
    private static LabelledDigits digits;

    @BeforeAll
    static void start(Pipeline running) {
        pipeline = running;
        client = new GatewayClient(running.url(""));
        digits = BundledMnist.validation();
    }

    @Test
    void throughTheGatewayEveryHostileFileIsRefusedOrReportedFailedAndEveryGoodDigitIsClassified() throws Exception {
        Map<String, String> acceptedHostile = new HashMap<>();
        List<String> good = new ArrayList<>();
        int index = 100;
        for (Map.Entry<String, byte[]> file : HostileImages.corpus().entrySet()) {
            good.add(uploadGood(index++));
            Answer answer = client.postRaw("/api/images?filename=" + file.getKey(), "image/png", file.getValue(), Map.of());
            if (file.getKey().equals(SCAN_BOMB)) {
                // Refused on its segments, before any decoder could spend minutes on its scans.
                assertThat(answer.status()).as(answer.response().body()).isEqualTo(422);
                assertThat(answer.json().get("error").asText()).isEqualTo("too-many-scans");
            }
            if (answer.status() == 202) {
                acceptedHostile.put(answer.json().get("images").get(0).get("id").asText(), file.getKey());
            } else {
                assertThat(answer.status()).as(file.getKey() + ": " + answer.response().body()).isIn(REFUSAL_STATUSES);
                assertThat(answer.json().get("error").asText()).as(file.getKey()).isIn(REASON_CODES);
                assertThat(answer.json().get("detail").asText()).as(file.getKey()).isNotBlank();
            }
        }
        good.add(uploadGood(index));

        // What passed the header checks fails in the classifier, with its reason, and reads as failed.
        for (Map.Entry<String, String> hostile : acceptedHostile.entrySet()) {
            Answer failed = client.await("/api/images/" + hostile.getKey(), a -> a.json().get("status").asText().equals("failed"), WITHIN);
            assertThat(failed.json().get("failure").get("reason").asText()).as(hostile.getValue()).isIn(REASON_CODES);
        }
        for (String id : good) {
            client.await("/api/images/" + id, a -> a.json().get("status").asText().equals("classified"), WITHIN);
        }
        assertServicesNeverRestarted();
    }

    @Test
    void straightOntoTheTopicEveryHostileFileIsDeadLetteredWithItsReasonAndEveryGoodDigitIsClassified() throws Exception {
        String run = "hostile-" + UUID.randomUUID() + "-";
        Map<String, String> hostileKeys = new HashMap<>();
        List<String> goodKeys = new ArrayList<>();
        var props = pipeline.kafka().clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        int index = 200;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> file : HostileImages.corpus().entrySet()) {
                String goodKey = run + "good-" + index;
                producer.send(new ProducerRecord<>(Topics.IMAGES, goodKey, digits.images().imageBytes(index++))).get();
                goodKeys.add(goodKey);
                String key = run + file.getKey();
                producer.send(new ProducerRecord<>(Topics.IMAGES, key, file.getValue())).get();
                hostileKeys.put(key, file.getKey());
            }
        }

        List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.read(pipeline.kafka(), Topics.IMAGES_DLQ, hostileKeys::containsKey, hostileKeys.size(),
                WITHIN);
        assertThat(deadLetters).hasSize(hostileKeys.size());
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
            String key = new String(letter.key(), StandardCharsets.UTF_8);
            assertThat(Headers.text(letter.headers(), Headers.ERROR_CLASS)).as(hostileKeys.get(key)).hasValueSatisfying(code ->
                    assertThat(code).isIn(REASON_CODES));
            assertThat(Headers.text(letter.headers(), Headers.ERROR_MESSAGE)).as(hostileKeys.get(key)).isPresent();
            if (hostileKeys.get(key).equals(SCAN_BOMB)) {
                assertThat(Headers.text(letter.headers(), Headers.ERROR_CLASS)).hasValue("too-many-scans");
            }
        }
        for (String key : goodKeys) {
            client.await("/api/images/" + key, a -> a.status() == 200 && a.json().get("status").asText().equals("classified"), WITHIN);
        }
        assertServicesNeverRestarted();
    }

    private static String uploadGood(int index) {
        Answer answer = client.postRaw("/api/images?label=" + digits.label(index), "application/x-mnist", digits.images().imageBytes(index),
                Map.of());
        assertThat(answer.status()).isEqualTo(202);
        return answer.json().get("images").get(0).get("id").asText();
    }

    private static void assertServicesNeverRestarted() {
        assertThat(pipeline.classifier().state()).isEqualTo(KafkaStreams.State.RUNNING);
        JsonNode health = client.get("/health").json();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        String metrics = new GatewayClient("http://127.0.0.1:" + pipeline.classifier().httpPort()).get("/metrics").response().body();
        // A stream thread that died would have been replaced; none was.
        assertThat(metrics).contains("inkstream_classifier_stream_threads_replaced_total 0.0");
    }
}
