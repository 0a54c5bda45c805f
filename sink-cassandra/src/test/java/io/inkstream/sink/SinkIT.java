package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.store.ModelAccuracy;
import io.inkstream.store.PredictionReader;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.GroupProgress;
import io.inkstream.testkit.kafka.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink on the real broker and the real Cassandra node. */
@ExtendWith(SharedInfrastructure.class)
class SinkIT {
    private static final int PREDICTIONS = 10_000;

    @Test
    void tenThousandPredictionsBecomeTenThousandRowsInEachTableAndConsumingThemAgainChangesNothing(KafkaCluster kafka,
                                                                                                    CassandraCluster cassandra) throws Exception {
        String model = "sink-it-" + UUID.randomUUID();
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withHttpPort(0);
        try (SinkService sink = SinkService.start(config.withGroupId("sink-" + UUID.randomUUID()));
             CqlSession session = cassandra.sessionBuilder().build()) {
            produce(kafka, model, PREDICTIONS);

            PredictionReader reader = new PredictionReader(session);
            await(() -> reader.accuracy(model).predictions(), PREDICTIONS, Duration.ofSeconds(120));
            assertThat(reader.accuracy(model)).isEqualTo(new ModelAccuracy(model, PREDICTIONS, PREDICTIONS, PREDICTIONS)); // label == trueLabel
            assertThat(reader.countHistory(model)).isEqualTo(reader.accuracy(model)); // the running counts agree with the rows
            assertThat(rowsByImage(session, model, PREDICTIONS)).isEqualTo(PREDICTIONS);
        }

        // The same predictions consumed again from the beginning, by a group with no offsets: upserts, same rows, and
        // the running counts unchanged (counted by offset, so nothing twice: counting each record again would double them).
        SinkConfig again = config.withGroupId("sink-again-" + UUID.randomUUID());
        try (SinkService sink = SinkService.start(again); CqlSession session = cassandra.sessionBuilder().build()) {
            awaitCommittedToEnd(kafka, again.groupId(), Duration.ofSeconds(120));
            PredictionReader reader = new PredictionReader(session);
            assertThat(reader.accuracy(model).predictions()).isEqualTo(PREDICTIONS);
            assertThat(reader.countHistory(model).predictions()).isEqualTo(PREDICTIONS);
            assertThat(rowsByImage(session, model, PREDICTIONS)).isEqualTo(PREDICTIONS);
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndTheRestFlows(KafkaCluster kafka, CassandraCluster cassandra) throws Exception {
        String model = "poison-" + UUID.randomUUID();
        String prefix = "poison-" + UUID.randomUUID() + "-";
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withHttpPort(0)
                .withGroupId("sink-" + UUID.randomUUID());
        try (SinkService sink = SinkService.start(config); CqlSession session = cassandra.sessionBuilder().build();
             KafkaProducer<String, byte[]> producer = producer(kafka)) {
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "json", "{ not json".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "good-1", PredictionJson.write(prediction(prefix + "good-1", model, 4))));
            String future = new String(PredictionJson.write(prediction(prefix + "schema", model, 4)), StandardCharsets.UTF_8)
                    .replace("\"schema\":1", "\"schema\":99");
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "schema", future.getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "incomplete", "{\"schema\":1,\"imageId\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
            // Times Cassandra cannot store: the driver threw while binding them, and the sink's loop stopped for good.
            String farFuture = new String(PredictionJson.write(prediction(prefix + "far-future", model, 4)), StandardCharsets.UTF_8)
                    .replaceFirst("\"submittedAt\":\"[^\"]+\"", "\"submittedAt\":\"+999999999-12-31T23:59:59Z\"");
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "far-future", farFuture.getBytes(StandardCharsets.UTF_8)));
            Instant deadLetterTime = Instant.parse("2026-12-05T08:00:00Z");
            ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>(Topics.IMAGES_DLQ, null, deadLetterTime.toEpochMilli(),
                    prefix + "dead-far-future", new byte[] {1, 2, 3});
            deadLetter.headers().add(Headers.ERROR_STAGE, Headers.utf8("preprocess"))
                    .add(Headers.FAILED_AT, Headers.utf8("+999999999-12-31T23:59:59Z"));
            producer.send(deadLetter);
            // Nearly the broker's default limit (1 MiB): with the failure's headers more than predictions.dlq takes, which
            // stopped the sink's loop; and a dead letter keyed by no image id, whose failure row Cassandra would refuse.
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "huge", new byte[1_048_400]));
            producer.send(new ProducerRecord<>(Topics.IMAGES_DLQ, prefix + "k".repeat(70_000), new byte[] {1}));
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "good-2", PredictionJson.write(prediction(prefix + "good-2", model, 5))));
            Prediction right = prediction(prefix + "wrong", model, 3);
            Prediction wrong = new Prediction(right.schema(), right.imageId(), right.modelVersion(), right.label(), right.confidence(),
                    right.probabilities(), 8, right.source(), right.submittedAt(), right.classifiedAt());
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, prefix + "wrong", PredictionJson.write(wrong)));
            producer.flush();

            PredictionReader reader = new PredictionReader(session);
            await(() -> reader.accuracy(model).predictions(), 3, Duration.ofSeconds(60));
            assertThat(reader.forImage(prefix + "good-1")).hasSize(1);
            assertThat(reader.forImage(prefix + "good-2")).hasSize(1);
            // The dead letter's failed-at is no time: the record's own timestamp stands in.
            await(() -> reader.failure(prefix + "dead-far-future").isPresent() ? 1 : 0, 1, Duration.ofSeconds(30));
            assertThat(reader.failure(prefix + "dead-far-future").orElseThrow().failedAt()).isEqualTo(deadLetterTime);

            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(kafka, Topics.PREDICTIONS_DLQ, key -> key.startsWith(prefix), 5, Duration.ofSeconds(30));
            assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder(prefix + "json", prefix + "schema", prefix + "incomplete", prefix + "far-future", prefix + "huge");
            assertThat(dead).filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).endsWith("huge")).singleElement().satisfies(r -> {
                assertThat(r.value()).isNull();
                assertThat(Headers.text(r.headers(), Headers.ERROR_MESSAGE).orElseThrow())
                        .startsWith("value not copied (1048400 bytes, more than predictions.dlq takes; it is at predictions-");
            });
            assertThat(TopicReader.readToEnd(kafka, Topics.PREDICTIONS_DLQ, key -> key.startsWith(prefix), Duration.ofSeconds(30)))
                    .as("dead letters to the topic's end: the 70,000-character key is not among them").hasSize(5);
            assertThat(dead).allSatisfy(r -> {
                assertThat(Headers.text(r.headers(), Headers.ERROR_STAGE)).contains("parse");
                assertThat(Headers.text(r.headers(), Headers.ERROR_CLASS)).contains("invalid-prediction");
            });
            assertThat(dead).anySatisfy(r -> assertThat(Headers.text(r.headers(), Headers.ERROR_MESSAGE).orElseThrow())
                    .contains("unknown schema version 99"));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("inkstream_sink_predictions_written_total")
                    .contains("inkstream_sink_write_latency_seconds")
                    .contains("inkstream_sink_dead_letters_total{stage=\"parse\"} 5.0")
                    // live accuracy: two right, one wrong, by model
                    .contains("inkstream_sink_predictions_labelled_total{correct=\"true\",model=\"" + model + "\"} 2.0")
                    .contains("inkstream_sink_predictions_labelled_total{correct=\"false\",model=\"" + model + "\"} 1.0")
                    .contains("kafka_consumer_fetch_manager_records_lag");
        }
    }

    static void produce(KafkaCluster kafka, String model, int count) {
        produceRange(kafka, model, 0, count);
    }

    /** Predictions for images {@code model-img-from} to {@code model-img-(to-1)}, label = true label = index % 10. */
    static void produceRange(KafkaCluster kafka, String model, int from, int to) {
        ensureTopics(kafka); // a producer waits a minute per record for a topic that does not exist yet
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int i = from; i < to; i++) {
                String id = model + "-img-" + i;
                producer.send(new ProducerRecord<>(Topics.PREDICTIONS, id, PredictionJson.write(prediction(id, model, i % 10))));
            }
            producer.flush();
        }
    }

    static void ensureTopics(KafkaCluster kafka) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            PipelineTopics.ensure(admin, 6, Optional.empty());
        }
    }

    static KafkaProducer<String, byte[]> producer(KafkaCluster kafka) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    static Prediction prediction(String imageId, String model, int label) {
        List<Float> probabilities = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            probabilities.add(d == label ? 0.9f : 0.1f / 9);
        }
        Instant now = Instant.now();
        return new Prediction(Prediction.SCHEMA, imageId, model, label, 0.9f, probabilities, label, "sink-it", now.minusMillis(50), now);
    }

    /** Counts this model's rows in predictions_by_image, one point read per image id. */
    static long rowsByImage(CqlSession session, String model, int count) throws InterruptedException {
        PreparedStatement select = session.prepare("SELECT image_id FROM inkstream.predictions_by_image WHERE image_id = ? AND model_version = ?");
        AtomicLong rows = new AtomicLong();
        Semaphore inFlight = new Semaphore(128);
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            reads.add(session.executeAsync(select.bind(model + "-img-" + i, model)).toCompletableFuture()
                    .whenComplete((result, error) -> {
                        inFlight.release();
                        if (error == null && result.one() != null) {
                            rows.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        return rows.get();
    }

    /** Polls until {@code value} reaches {@code expected}; fails with the last value seen at the deadline. */
    static void await(LongSupplier value, long expected, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long seen = valueOrNone(value);
        while (seen < expected) {
            if (System.nanoTime() > end) {
                throw new AssertionError("expected " + expected + " within " + deadline + "; the last count was "
                        + (seen < 0 ? "not answered in time" : Long.toString(seen)));
            }
            Thread.sleep(250);
            seen = valueOrNone(value);
        }
    }

    /**
     * A count query that Cassandra did not answer in time counts as "not yet": a node just restarted
     * on a busy machine (SinkCassandraOutageIT) can take longer than the driver's timeout to scan.
     */
    private static long valueOrNone(LongSupplier value) {
        try {
            return value.getAsLong();
        } catch (DriverTimeoutException e) {
            return -1;
        }
    }

    /** Polls until the group has committed the end of every predictions partition; fails with the lag it last saw. */
    static void awaitCommittedToEnd(KafkaCluster kafka, String group, Duration deadline) throws Exception {
        GroupProgress.awaitCommittedToEnd(kafka, group, Topics.PREDICTIONS, deadline);
    }
}
