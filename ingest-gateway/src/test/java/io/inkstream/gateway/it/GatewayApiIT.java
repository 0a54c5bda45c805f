package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.correction.CorrectionKeys;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.gateway.it.GatewayClient.Answer;
import io.inkstream.gateway.it.GatewayClient.Part;
import io.inkstream.gateway.it.RunningPipeline.Pipeline;
import io.inkstream.gateway.publish.ImagePublisher;
import io.inkstream.gateway.publish.PublishFailedException;
import io.inkstream.gateway.publish.PublishedImages;
import io.inkstream.gateway.publish.TakenOverPublisher;
import io.inkstream.gateway.upload.IdempotencyKeys;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.image.ImageFormat;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.render.CraftedImages;
import io.inkstream.ops.kafka.Offsets;
import io.inkstream.store.PredictionReader;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API against a running gateway, classifier and sink on the real broker and the real Cassandra node. */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class GatewayApiIT {
    private static final Duration CLASSIFIED_WITHIN = Duration.ofSeconds(90);
    private static LabelledDigits digits;
    private static Pipeline pipeline;
    private static GatewayClient client;

    @BeforeAll
    static void start(Pipeline running) {
        pipeline = running;
        client = new GatewayClient(running.url(""));
        digits = BundledMnist.validation();
    }

    @Test
    void aRawMnistUploadIsAcceptedAfterTheBrokerAcknowledgedAndEndsAsARowInCassandra() throws Exception {
        int index = 0;
        Answer accepted = client.postRaw("/api/images?label=" + digits.label(index) + "&filename=../../etc/passwd",
                "application/x-mnist", digits.images().imageBytes(index), Map.of());

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode image = accepted.json().get("images").get(0);
        String id = image.get("id").asText();
        assertThat(accepted.header("Location")).isEqualTo("/api/images/" + id);
        assertThat(image.get("format").asText()).isEqualTo("mnist");
        assertThat(image.get("bytes").asInt()).isEqualTo(784);
        assertThat(image.get("filename").asText()).as("a file name is display text: the path is dropped").isEqualTo("passwd");
        // 202 means the record is on the topic already: read it back with its headers.
        var record = TopicReader.read(pipeline.kafka(), Topics.IMAGES, id::equals, 1, Duration.ofSeconds(10)).get(0);
        assertThat(new String(record.headers().lastHeader("label").value(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(digits.label(index)));
        assertThat(new String(record.headers().lastHeader("source").value(), StandardCharsets.UTF_8)).isEqualTo("gateway");
        assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8)).isEqualTo("application/x-mnist");

        Answer classified = client.await(accepted.header("Location"), a -> a.status() == 200
                && a.json().get("status").asText().equals("classified"), CLASSIFIED_WITHIN);
        JsonNode prediction = classified.json().get("predictions").get(0);
        assertThat(prediction.get("label").asInt()).isEqualTo(digits.label(index));
        assertThat(prediction.get("trueLabel").asInt()).isEqualTo(digits.label(index));
        assertThat(prediction.get("probabilities")).hasSize(10);
        assertThat(prediction.get("source").asText()).isEqualTo("gateway");
        // What the model saw: raw MNIST bytes are its input as they are, served back as a 28 x 28 PNG.
        assertThat(prediction.get("inputUrl").asText()).isEqualTo(accepted.header("Location") + "/input.png?model="
                + URLEncoder.encode(prediction.get("model").asText(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> input = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pipeline.url(
                prediction.get("inputUrl").asText()))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(input.statusCode()).isEqualTo(200);
        assertThat(input.headers().firstValue("Content-Type")).contains("image/png");
        BufferedImage seen = ImageIO.read(new ByteArrayInputStream(input.body()));
        assertThat(seen.getWidth()).isEqualTo(28);
        assertThat(seen.getHeight()).isEqualTo(28);
        byte[] pixels = new byte[784];
        seen.getRaster().getDataElements(0, 0, 28, 28, pixels);
        assertThat(pixels).isEqualTo(digits.images().imageBytes(index));
        assertThat(client.get(accepted.header("Location") + "/input.png").status()).as("the latest model's, unnamed").isEqualTo(200);
        assertRefused(client.get(accepted.header("Location") + "/input.png?model=no-such-model"), 404, "no-model-input");
        assertRefused(client.get(accepted.header("Location") + "/input.png?model=" + "v".repeat(129)), 400, "invalid-model");
        assertRefused(client.get("/api/images/no-such-image-" + UUID.randomUUID() + "/input.png"), 404, "unknown-image");

        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            Row row = session.execute("SELECT model_version, label, true_label FROM inkstream.predictions_by_image WHERE image_id = ?", id).one();
            assertThat(row).isNotNull();
            assertThat(row.getInt("label")).isEqualTo(digits.label(index));
            assertThat(row.getString("model_version")).isEqualTo(prediction.get("model").asText());
        }
    }

    @Test
    void aMultipartUploadOfManyPngsAnswersEveryIdAndOneLocationForAll() throws Exception {
        List<Part> parts = new ArrayList<>();
        for (int i = 10; i < 20; i++) {
            parts.add(Part.file("digit-" + i + ".png", DigitRenderer.png(DigitRenderer.render(digits.images().imageBytes(i), 200, 200, 150, 25, 25, 0))));
        }
        for (int i = 10; i < 20; i++) {
            parts.add(Part.field("label", Integer.toString(digits.label(i))));
        }

        Answer accepted = client.postMultipart(parts, Map.of());

        assertThat(accepted.status()).as(accepted.response().body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        accepted.json().get("images").forEach(image -> ids.add(image.get("id").asText()));
        assertThat(ids).hasSize(10).doesNotHaveDuplicates();
        assertThat(accepted.json().get("images").get(3).get("filename").asText()).isEqualTo("digit-13.png");
        assertThat(accepted.json().get("images").get(3).get("label").asInt()).isEqualTo(digits.label(13));
        assertThat(accepted.header("Location")).startsWith("/api/images?ids=");

        Answer all = client.await(accepted.header("Location"), a -> a.status() == 200 && allClassified(a.json()), CLASSIFIED_WITHIN);
        int right = 0;
        for (int i = 0; i < 10; i++) {
            JsonNode image = all.json().get("images").get(i);
            assertThat(image.get("id").asText()).isEqualTo(ids.get(i));
            JsonNode prediction = image.get("predictions").get(0);
            assertThat(prediction.get("trueLabel").asInt()).isEqualTo(digits.label(10 + i));
            right += prediction.get("label").asInt() == digits.label(10 + i) ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(9);
    }

    @Test
    void refusesBadUploadsWithTheirStatusAndAJsonErrorAndPublishesNoneOfThem() throws Exception {
        long before = imagesOnTopic();
        byte[] png = DigitRenderer.png(DigitRenderer.render(digits.images().imageBytes(3), 200, 200, 150, 25, 25, 0));
        byte[] oversized = new byte[(1 << 20) + 10];
        new Random(1).nextBytes(oversized);

        assertRefused(client.postRaw("/api/images", "image/png", new byte[0], Map.of()), 400, "empty");
        assertRefused(client.postRaw("/api/images", "image/png", oversized, Map.of()), 413, "too-large");
        assertRefused(client.postMultipart(List.of(Part.file("big.png", oversized)), Map.of()), 413, "too-large");
        assertRefused(client.postRaw("/api/images", "image/png", "not an image, whatever the header says".getBytes(StandardCharsets.UTF_8),
                Map.of()), 415, "unknown-format");
        assertRefused(client.postRaw("/api/images", "image/png", CraftedImages.pngClaiming(100_000, 100_000), Map.of()), 422,
                "dimensions-too-large");
        assertRefused(client.postRaw("/api/images", "image/png", Arrays.copyOf(png, 20), Map.of()), 422, "undecodable");
        assertRefused(client.postRaw("/api/images?label=11", "image/png", png, Map.of()), 400, "invalid-label");
        // An Arabic-Indic three is a Unicode digit, not a label: it once became label 1587.
        assertRefused(client.postRaw("/api/images?label=%D9%A3", "image/png", png, Map.of()), 400, "invalid-label");
        assertRefused(client.postMultipart(List.of(Part.field("label", "3")), Map.of()), 400, "missing-file");
        // Jetty's parser throws a checked IOException for these, which once escaped as a 500.
        assertRefused(client.postRaw("/api/images", "multipart/form-data", png, Map.of()), 400, "malformed-multipart");
        assertRefused(client.postRaw("/api/images", "multipart/form-data; boundary=cut-short", ("--cut-short\r\nContent-Disposition: "
                + "form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII), Map.of()), 400,
                "malformed-multipart");
        // One bad file refuses the whole request: nothing of it is published.
        Answer mixed = client.postMultipart(List.of(Part.file("good.png", png), Part.file("notes.txt", "hello".getBytes(StandardCharsets.UTF_8))),
                Map.of());
        assertRefused(mixed, 415, "unknown-format");
        assertThat(mixed.json().get("detail").asText()).contains("image 2").contains("notes.txt");
        assertRefused(client.postRaw("/api/images", "image/png", png, Map.of("Idempotency-Key", "has spaces in it")), 400,
                "invalid-idempotency-key");

        assertThat(imagesOnTopic()).as("records on the images topic").isEqualTo(before);
        assertThat(client.get("/metrics").response().body()).contains("inkstream_gateway_images_rejected_total{reason=\"unknown-format\"}");
    }

    @Test
    void anImageWithoutInkPassesTheHeaderChecksAndIsReportedFailedWithTheClassifiersReason() throws Exception {
        BufferedImage blank = new BufferedImage(120, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 120, 120);
        g.dispose();

        Answer accepted = client.postRaw("/api/images", "image/png", DigitRenderer.png(blank), Map.of());
        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(client.get(location).json().get("status").asText()).isIn("pending", "failed");

        Answer failed = client.await(location, a -> a.json().get("status").asText().equals("failed"), CLASSIFIED_WITHIN);
        assertThat(failed.json().get("failure").get("reason").asText()).isEqualTo("no-ink");
        assertThat(failed.json().get("failure").get("message").asText()).contains("no ink");
        assertThat(failed.json().get("predictions")).isEmpty();
        assertRefused(client.postRaw(location + "/label", "application/json", "{\"label\": 7}".getBytes(StandardCharsets.UTF_8), Map.of()),
                409, "image-failed");
    }

    @Test
    void anIdempotencyKeyGivesTheSameIdsAndPublishesOnce() throws Exception {
        String key = "upload-" + UUID.randomUUID();
        byte[] image = digits.images().imageBytes(30);
        long before = imagesOnTopic();

        Answer first = client.postRaw("/api/images?label=" + digits.label(30), "application/x-mnist", image, Map.of("Idempotency-Key", key));
        Answer retry = client.postRaw("/api/images?label=" + digits.label(30), "application/x-mnist", image, Map.of("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().get("images").get(0).get("id").asText()).isEqualTo(first.json().get("images").get(0).get("id").asText());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(imagesOnTopic()).isEqualTo(before + 1);

        Answer reused = client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(31), Map.of("Idempotency-Key", key));
        assertRefused(reused, 422, "idempotency-key-reused");
        assertThat(imagesOnTopic()).isEqualTo(before + 1);
    }

    /**
     * One key, one publication, whichever instance a retry reaches, after a restart, and when requests
     * with the key arrive together: the claim is Cassandra's (a lightweight transaction), not an
     * instance's memory. Counted on the topic by reading it to its end.
     */
    @Test
    void anIdempotencyKeyPublishesOnceAcrossInstancesRestartsAndConcurrentRequests() throws Exception {
        byte[] image = digits.images().imageBytes(32);
        String path = "/api/images?label=" + digits.label(32);
        String key = "across-" + UUID.randomUUID();
        String together = "together-" + UUID.randomUUID();
        String id;
        String togetherId;
        // A second instance on the same broker and node: it shares nothing with the first but Cassandra.
        try (GatewayService other = GatewayService.start(pipeline.gatewayConfig())) {
            GatewayClient second = new GatewayClient("http://127.0.0.1:" + other.port());
            Answer first = client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key));
            Answer retry = second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key));
            assertThat(first.status()).isEqualTo(202);
            assertThat(retry.status()).isEqualTo(202);
            id = first.json().get("images").get(0).get("id").asText();
            assertThat(retry.json().get("images").get(0).get("id").asText()).isEqualTo(id);
            assertThat(retry.header("Idempotent-Replayed")).as("answered from the first instance's claim").isEqualTo("true");
            assertRefused(second.postRaw(path, "application/x-mnist", digits.images().imageBytes(33), Map.of("Idempotency-Key", key)), 422,
                    "idempotency-key-reused");

            // Eight requests with one new key at once, four on each instance.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                GatewayClient to = i % 2 == 0 ? client : second;
                answers.add(clients.submit(() -> {
                    go.await();
                    return to.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", together));
                }));
            }
            go.countDown();
            Set<String> ids = new HashSet<>();
            int replayed = 0;
            for (Future<Answer> answer : answers) {
                Answer a = answer.get(60, TimeUnit.SECONDS);
                assertThat(a.status()).as(a.response().body()).isEqualTo(202);
                ids.add(a.json().get("images").get(0).get("id").asText());
                replayed += "true".equals(a.header("Idempotent-Replayed")) ? 1 : 0;
            }
            clients.shutdown();
            assertThat(ids).hasSize(1);
            togetherId = ids.iterator().next();
            assertThat(replayed).as("requests answered without publishing").isEqualTo(7);
        }
        // A fresh instance, nothing in its memory: the key still holds.
        try (GatewayService restarted = GatewayService.start(pipeline.gatewayConfig())) {
            Answer again = new GatewayClient("http://127.0.0.1:" + restarted.port()).postRaw(path, "application/x-mnist", image,
                    Map.of("Idempotency-Key", key));
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        }
        assertThat(recordsOn(Topics.IMAGES, id)).as("records of the retried upload").isEqualTo(1);
        assertThat(recordsOn(Topics.IMAGES, togetherId)).as("records of the eight requests").isEqualTo(1);

        // The count sees a second record when there is one (on a scratch topic, so that nothing classifies it).
        String scratch = "idempotency-control-" + UUID.randomUUID();
        try (Admin admin = Admin.create(pipeline.kafka().clientProperties())) {
            admin.createTopics(List.of(new NewTopic(scratch, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(scratch, id, image)).get();
            producer.send(new ProducerRecord<>(scratch, id, image)).get();
        }
        assertThat(recordsOn(scratch, id)).isEqualTo(2);
    }

    /**
     * A gateway that died after the broker had its images but before it settled its claim leaves the
     * key "publishing"; once that claim is stale a retry takes it over, and must not publish the
     * images again. The death is made by hand: a request goes through, then its claim is set back to
     * what the dead instance left (publishing, claimed 25 s ago: stale after twice the publish timeout,
     * 20 s, and its record within twice that of the claim, where a take-over looks). The retry is answered from the
     * topic (replayed, still one record). The control, a claim with no record behind it (a request
     * that died before anything reached the broker), is published by its retry: the search tells the
     * two apart.
     */
    @Test
    void aRetryAfterTheFirstRequestDiedPublishingPublishesOnlyWhatTheBrokerDidNotGet() throws Exception {
        byte[] image = digits.images().imageBytes(34);
        String path = "/api/images?label=" + digits.label(34);
        String reached = "died-after-ack-" + UUID.randomUUID();
        String lost = "died-before-ack-" + UUID.randomUUID();
        assertThat(client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", reached)).status()).isEqualTo(202);
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            // The settle is asynchronous: wait for it, then undo it.
            Row claim = awaitClaim(session, reached, "published");
            session.execute("UPDATE inkstream.upload_keys SET state = 'publishing', owner = 'a-dead-gateway', claimed_at = ?"
                    + " WHERE idempotency_key = ?", Instant.now().minusSeconds(25), reached);
            session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at)"
                    + " VALUES (?, ?, 'publishing', 'a-dead-gateway', ?)", lost, claim.getString("request_digest"),
                    Instant.now().minusSeconds(25));
        }

        // Another instance: nothing of the first request in its memory.
        try (GatewayService other = GatewayService.start(pipeline.gatewayConfig())) {
            GatewayClient second = new GatewayClient("http://127.0.0.1:" + other.port());
            Answer afterAck = second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", reached));
            Answer beforeAck = second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", lost));

            assertThat(afterAck.status()).as(afterAck.response().body()).isEqualTo(202);
            assertThat(afterAck.json().get("images").get(0).get("id").asText()).isEqualTo(IdempotencyKeys.imageId(reached, 0));
            assertThat(afterAck.header("Idempotent-Replayed")).as("answered from the record the dead request left").isEqualTo("true");
            assertThat(beforeAck.status()).as(beforeAck.response().body()).isEqualTo(202);
            assertThat(beforeAck.header("Idempotent-Replayed")).as("published: nothing of the dead request reached the broker").isNull();
        }
        assertThat(recordsOn(Topics.IMAGES, IdempotencyKeys.imageId(reached, 0))).as("records of the key whose request died after the ack")
                .isEqualTo(1);
        assertThat(recordsOn(Topics.IMAGES, IdempotencyKeys.imageId(lost, 0))).as("records of the key whose request died before it")
                .isEqualTo(1);
    }

    /**
     * What ScaleOutFaultsIT found: a request that failed after the broker died had its record in the new leader's log, not
     * yet committed while the followers caught up, so a retry's search before publishing did not see it, and it was
     * committed seconds later: the image twice on the topic. Here the stand-in for that record is one in a transaction
     * that commits only once the retry has put the mark where its search ends after it (seen as a second record on the
     * partition; a search that did not wait for the record to settle would have missed it, the control), and the search
     * must find it: a replay, one record of the image on the topic, for every reader.
     */
    @Test
    void aRetryWhoseTakenOverRequestsRecordIsCommittedAfterItsSearchPutsTheImageOnTheTopicOnce() throws Exception {
        byte[] image = digits.images().imageBytes(35);
        String path = "/api/images?label=" + digits.label(35);
        String key = "late-record-" + UUID.randomUUID();
        String id = IdempotencyKeys.imageId(key, 0);
        String sameImage = "digest-of-" + UUID.randomUUID(); // its claim gives the digest of this image and label
        assertThat(client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", sameImage)).status()).isEqualTo(202);
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            String digest = awaitClaim(session, sameImage, "published").getString("request_digest");
            session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at)"
                    + " VALUES (?, ?, 'failed', 'a-gateway-whose-publish-timed-out', ?)", key, digest, Instant.now().minusSeconds(5));
        }

        Properties props = pipeline.kafka().clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "late-record-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> failedRequest = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
             Admin admin = Admin.create(pipeline.kafka().clientProperties())) {
            failedRequest.initTransactions();
            failedRequest.beginTransaction();
            RecordMetadata late = failedRequest.send(new ProducerRecord<>(Topics.IMAGES, id, image)).get(30, TimeUnit.SECONDS);
            TopicPartition partition = new TopicPartition(late.topic(), late.partition());

            CompletableFuture<Answer> retry = CompletableFuture.supplyAsync(() ->
                    client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long end = late.offset() + 1;
            while (end < late.offset() + 2 && System.nanoTime() < deadline && !retry.isDone()) {
                Thread.sleep(20);
                end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
            }
            assertThat(end).as("the control: the retry's mark after the uncommitted record")
                    .isGreaterThanOrEqualTo(late.offset() + 2);
            assertThat(retry).as("the retry's search waits for the uncommitted record (a retry already answered published it)")
                    .isNotDone();
            failedRequest.commitTransaction();

            Answer answer = retry.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.response().body()).isEqualTo(202);
            assertThat(answer.json().get("images").get(0).get("id").asText()).isEqualTo(id);
            assertThat(answer.header("Idempotent-Replayed")).as("answered from the record committed after the mark").isEqualTo("true");
        }
        assertThat(recordsOn(Topics.IMAGES, id)).as("records of the image on the topic (read_committed, as the classifier reads)")
                .isEqualTo(1);
    }

    /**
     * Once a broker is back, every upload it cost a 503 is retried at once, and each retry takes over its key: they go
     * in one search (and one transaction of marks), not one each (one each, the last retries of a burst waited past their clients'
     * patience: ScaleOutFaultsIT). Made deterministic: an opening take-over's search is held by another producer's open
     * transaction on its partition, and the burst waits behind it until every one of its take-overs is queued. The control:
     * take-overs one after another get a search each, so the count is of searches.
     */
    @Test
    void aBurstOfTakenOverKeysGoesInOneSearchAndEachImageOnce() throws Exception {
        byte[] image = digits.images().imageBytes(36);
        String path = "/api/images?label=" + digits.label(36);
        String sameImage = "digest-of-" + UUID.randomUUID();
        assertThat(client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", sameImage)).status()).isEqualTo(202);
        String run = UUID.randomUUID().toString();
        List<String> oneByOne = List.of("one-by-one-0-" + run, "one-by-one-1-" + run, "one-by-one-2-" + run);
        String opener = "opener-" + run;
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add("burst-" + i + "-" + run);
        }
        List<String> keys = new ArrayList<>(oneByOne);
        keys.add(opener);
        keys.addAll(burst);
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            String digest = awaitClaim(session, sameImage, "published").getString("request_digest");
            for (String key : keys) { // what a gateway leaves when the broker did not acknowledge in time
                session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at)"
                        + " VALUES (?, ?, 'failed', 'a-gateway-whose-publish-timed-out', ?)", key, digest, Instant.now().minusSeconds(5));
            }
        }

        // Another instance, counting from zero; a publish timeout long enough for the held search to wait out the burst.
        var config = pipeline.gatewayConfig();
        Properties blocking = pipeline.kafka().clientProperties();
        blocking.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "takeover-blocker-" + run);
        ExecutorService senders = Executors.newFixedThreadPool(burst.size() + 1);
        try (GatewayService other = GatewayService.start(config.withBootstrapServers(config.bootstrapServers(), Duration.ofSeconds(30)));
             KafkaProducer<String, byte[]> blocker = new KafkaProducer<>(blocking, new StringSerializer(), new ByteArraySerializer())) {
            GatewayClient second = new GatewayClient("http://127.0.0.1:" + other.port());
            for (String key : oneByOne) {
                assertThat(second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key)).status()).isEqualTo(202);
            }
            assertThat(metric(second, "inkstream_gateway_takeover_searches_total")).as("the control: three take-overs one after another")
                    .isEqualTo(3.0);

            // An open transaction on the opener's partition: read_committed reads stop before it until it ends.
            int partition = partitionOf(IdempotencyKeys.imageId(opener, 0));
            blocker.initTransactions();
            blocker.beginTransaction();
            blocker.send(new ProducerRecord<>(Topics.IMAGES, partition, "takeover-blocker-" + run, image)).get(30, TimeUnit.SECONDS);
            Future<Answer> opening = senders.submit(() -> second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", opener)));
            awaitMetric(second, "inkstream_gateway_takeover_searches_total", 4.0, "the opener's search begun");
            List<Future<Answer>> answers = new ArrayList<>();
            for (String key : burst) {
                answers.add(senders.submit(() -> second.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key))));
            }
            awaitMetric(second, "inkstream_gateway_takeover_waiting", burst.size(), "the burst's take-overs queued behind the opener");
            blocker.abortTransaction();

            assertThat(opening.get(60, TimeUnit.SECONDS).status()).isEqualTo(202);
            for (Future<Answer> answer : answers) {
                Answer a = answer.get(60, TimeUnit.SECONDS);
                assertThat(a.status()).as(a.response().body()).isEqualTo(202);
                assertThat(a.header("Idempotent-Replayed")).as("published: nothing of the failed request was on the topic").isNull();
            }
            assertThat(metric(second, "inkstream_gateway_takeover_keys_total")).isEqualTo(keys.size());
            assertThat(metric(second, "inkstream_gateway_takeover_searches_total")).as("three one by one, the opener, then the burst of 40")
                    .isEqualTo(5.0);
        } finally {
            senders.shutdownNow();
        }
        Set<String> ids = keys.stream().map(key -> IdempotencyKeys.imageId(key, 0)).collect(Collectors.toSet());
        Map<String, Long> records = TopicReader.readToEnd(pipeline.kafka(), Topics.IMAGES, ids::contains, Duration.ofSeconds(30)).stream()
                .collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8), Collectors.counting()));
        assertThat(ids.stream().filter(id -> records.getOrDefault(id, 0L) != 1).toList())
                .as("images not on the topic exactly once (read_committed, as the classifier reads)").isEmpty();
    }

    /**
     * A client that retries long after its upload was answered 503 (a phone back online an hour later) takes over a claim
     * from then; the earlier request's records can only be near that claim, so the search reads only there, not the hour
     * of uploads since, which could be more than a search may read, and the retry would be refused again and again. Here a
     * search may read 50 records, and 120 fresh ones lie on the partition: the retry of an hour-old claim is published.
     * The control: a claim of 5 s ago, whose window holds those 120 records, is refused (the search cannot finish).
     */
    @Test
    void aRetryAnHourLaterSearchesOnlyNearItsClaimAndIsPublished() throws Exception {
        String run = UUID.randomUUID().toString();
        Upload late = upload(36, "an-hour-later-" + run);
        Upload recent = upload(37, "seconds-later-" + run);
        try (KafkaProducer<String, byte[]> others = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (Upload upload : List.of(late, recent)) { // what other clients uploaded since
                otherUploads(others, partitionOf(upload.imageId()), 120, upload.bytes());
            }
        }
        try (TakeOvers gateway = TakeOvers.start(Duration.ofSeconds(10), Duration.ofSeconds(20), 50)) {
            Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
            assertThat(gateway.publish(List.of(late), List.of(anHourAgo)).get(60, TimeUnit.SECONDS))
                    .as("none of the hour-old request's images on the topic").isEmpty();
            Instant secondsAgo = Instant.now().minusSeconds(5);
            assertThatThrownBy(() -> gateway.publish(List.of(recent), List.of(secondsAgo)).get(60, TimeUnit.SECONDS))
                    .as("the control: 120 records where the search looks, 50 it may read")
                    .hasCauseInstanceOf(PublishFailedException.class).hasMessageContaining("could not be searched");
        }
        assertThat(recordsOn(Topics.IMAGES, late.imageId())).as("the late retry's image on the topic").isEqualTo(1);
        assertThat(recordsOn(Topics.IMAGES, recent.imageId())).as("the refused one's (refused before anything was sent)").isEqualTo(0);
    }

    /**
     * After an outage two gateways take keys over at once, on shared partitions. A take-over's search reads committed up
     * to its own records, so it waits for every transaction open below them: when a take-over held its transaction open
     * while it searched, two gateways could each hold what the other's search waited for, and both answered 503 after the
     * publish timeout (a fresh-clone ScaleOutFaultsIT, "the topic could not be searched" at both gateways). Made
     * deterministic: gateway B's take-over has an image on a partition where a dead gateway's transaction is open (its
     * search waits there: the control, B is still waiting when A is done) and one on another partition, where gateway A's
     * take-over sends right after B's. A must not wait for B.
     */
    @Test
    void aTakeOverIsNotHeldByAnotherGatewaysTakeOverThatIsSearching() throws Exception {
        String run = UUID.randomUUID().toString();
        int partitions = partitions();
        int held = 0;
        int shared = 1;
        Upload bHeld = upload(39, keyOn("gateway-b-held-" + run, held, partitions));
        Upload bShared = upload(40, keyOn("gateway-b-shared-" + run, shared, partitions));
        Upload aShared = upload(41, keyOn("gateway-a-shared-" + run, shared, partitions));
        Instant claimed = Instant.now().minusSeconds(5);
        TopicPartition sharedPartition = new TopicPartition(Topics.IMAGES, shared);
        Properties deadGateway = pipeline.kafka().clientProperties();
        deadGateway.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dead-gateway-" + run);
        try (KafkaProducer<String, byte[]> dead = new KafkaProducer<>(deadGateway, new StringSerializer(), new ByteArraySerializer());
             Admin admin = Admin.create(pipeline.kafka().clientProperties());
             TakeOvers b = TakeOvers.start(Duration.ofSeconds(30), Duration.ofSeconds(60), 60_000);
             TakeOvers a = TakeOvers.start(Duration.ofSeconds(5), Duration.ofSeconds(10), 60_000)) {
            dead.initTransactions();
            dead.beginTransaction();
            dead.send(new ProducerRecord<>(Topics.IMAGES, held, "dead-gateway-" + run, bHeld.bytes())).get(30, TimeUnit.SECONDS);
            long sharedEnd = endOffset(admin, sharedPartition);

            CompletableFuture<Set<String>> bDone = b.publish(List.of(bHeld, bShared), List.of(claimed));
            Waits.until(() -> endOffset(admin, sharedPartition), end -> end > sharedEnd, end -> end, Duration.ofSeconds(30),
                    "gateway B's take-over's mark on the shared partition, after offset " + sharedEnd);

            assertThat(a.publish(List.of(aShared), List.of(claimed)).get(30, TimeUnit.SECONDS))
                    .as("gateway A published, nothing of its key on the topic before").isEmpty();
            assertThat(bDone).as("the control: gateway B's search still waits for the dead gateway's transaction").isNotDone();
            dead.abortTransaction();
            assertThat(bDone.get(60, TimeUnit.SECONDS)).as("gateway B published once the dead transaction ended").isEmpty();
        }
        for (Upload upload : List.of(bHeld, bShared, aShared)) {
            assertThat(recordsOn(Topics.IMAGES, upload.imageId())).as("records of %s", upload.imageId()).isEqualTo(1);
        }
    }

    /**
     * What a gateway takes keys over with, on its own: its publisher, its search of the topic, and the take-over
     * publisher between them.
     */
    private record TakeOvers(ImagePublisher images, PublishedImages topic, TakenOverPublisher publisher) implements AutoCloseable {
        /**
         * @param staleAfter as the gateway's: take-overs whose claims lie within it are searched for together, near each
         *                   claim up to twice it after
         */
        static TakeOvers start(Duration publishTimeout, Duration staleAfter, int maxRecords) {
            var config = pipeline.gatewayConfig();
            ImagePublisher images = ImagePublisher.create(config.kafkaClientBase(), publishTimeout, config.producerOverrides(),
                    GatewayConfig.Answer.AFTER_ACK);
            PublishedImages topic = PublishedImages.create(config.kafkaClientBase(), maxRecords);
            return new TakeOvers(images, topic, new TakenOverPublisher(config.kafkaClientBase(), publishTimeout, staleAfter,
                    config.producerOverrides(), images, topic, new SimpleMeterRegistry()));
        }

        CompletableFuture<Set<String>> publish(List<Upload> uploads, List<Instant> claims) {
            return publisher.publish(uploads, Instant.now(), claims);
        }

        @Override
        public void close() {
            publisher.close();
            topic.close();
            images.close();
        }
    }

    /** Other clients' uploads on a partition, acknowledged. */
    private static void otherUploads(KafkaProducer<String, byte[]> producer, int partition, int count, byte[] image) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, partition, "another-upload-" + UUID.randomUUID(), image));
        }
        producer.flush();
    }

    /** A key, {@code prefix} and a number, whose first image goes to this partition. */
    private static String keyOn(String prefix, int partition, int partitions) {
        for (int i = 0; ; i++) {
            String key = prefix + "-" + i;
            if (partitionOf(IdempotencyKeys.imageId(key, 0), partitions) == partition) {
                return key;
            }
        }
    }

    private static long endOffset(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
    }

    private static Upload upload(int digit, String key) {
        return new Upload(IdempotencyKeys.imageId(key, 0), digits.images().imageBytes(digit), ImageFormat.RAW_MNIST, Optional.empty(),
                OptionalInt.of(digits.label(digit)));
    }

    /** Where the producer puts a record of this key: Kafka's default partitioner. */
    private static int partitionOf(String key) throws Exception {
        return partitionOf(key, partitions());
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static int partitions() throws Exception {
        try (Admin admin = Admin.create(pipeline.kafka().clientProperties())) {
            return Offsets.partitionsOf(admin, Topics.IMAGES).size();
        }
    }

    /**
     * An outage can fail a key twice: the first request's record reaches a new leader late, its client's retry takes the
     * key over and fails too (the broker still recovering), and the next retry takes it over from that one. The claim row
     * then says when the second request claimed, seconds after the first request's record was sent; the search must
     * look near the first claim too, which the row keeps: in {@code claims} (schema 10, to which the take-over adds its
     * own), or in {@code first_claimed_at} in a row written before. Control: a row with neither (as written before
     * schema 9) is searched near the last claim only, and its image goes onto the topic twice.
     */
    @Test
    void aKeyTakenOverTwiceIsSearchedNearEveryClaim() throws Exception {
        byte[] image = digits.images().imageBytes(38);
        String path = "/api/images?label=" + digits.label(38);
        String run = UUID.randomUUID().toString();
        String kept = "taken-over-twice-" + run;
        String beforeSchema10 = "taken-over-twice-before-schema-10-" + run;
        String lost = "taken-over-twice-before-schema-9-" + run;
        String sameImage = "digest-of-" + run;
        assertThat(client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", sameImage)).status()).isEqualTo(202);
        Instant firstClaim = Instant.now();
        try (KafkaProducer<String, byte[]> firstRequest = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (String key : List.of(kept, beforeSchema10, lost)) { // the first request's record, there after all
                firstRequest.send(new ProducerRecord<>(Topics.IMAGES, IdempotencyKeys.imageId(key, 0), image)).get(30, TimeUnit.SECONDS);
            }
        }
        Thread.sleep(3_000); // the second request claims seconds after the first one's record was stamped
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            String digest = awaitClaim(session, sameImage, "published").getString("request_digest");
            Instant secondClaim = Instant.now();
            session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at, first_claimed_at,"
                    + " claims) VALUES (?, ?, 'failed', 'the-second-request', ?, ?, ?)", kept, digest, secondClaim, firstClaim,
                    Set.of(firstClaim, secondClaim));
            session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at, first_claimed_at)"
                    + " VALUES (?, ?, 'failed', 'the-second-request', ?, ?)", beforeSchema10, digest, secondClaim, firstClaim);
            session.execute("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at)"
                    + " VALUES (?, ?, 'failed', 'the-second-request', ?)", lost, digest, secondClaim);
        }

        for (String key : List.of(kept, beforeSchema10)) {
            Answer third = client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", key));
            assertThat(third.status()).as(third.response().body()).isEqualTo(202);
            assertThat(third.header("Idempotent-Replayed")).as("%s: answered from the first request's record", key).isEqualTo("true");
            assertThat(recordsOn(Topics.IMAGES, IdempotencyKeys.imageId(key, 0))).as("records of %s", key).isEqualTo(1);
        }
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            Row row = session.execute("SELECT claims FROM inkstream.upload_keys WHERE idempotency_key = ?", kept).one();
            assertThat(row.getSet("claims", Instant.class)).as("the two earlier claims and the third request's").hasSize(3);
        }

        Answer control = client.postRaw(path, "application/x-mnist", image, Map.of("Idempotency-Key", lost));
        assertThat(control.status()).as(control.response().body()).isEqualTo(202);
        assertThat(recordsOn(Topics.IMAGES, IdempotencyKeys.imageId(lost, 0)))
                .as("the control: searched near the last claim only, the first request's record is missed").isEqualTo(2);
    }

    /**
     * A key whose claims lie far apart (a client that retried an hour after a second 503) is searched near each claim,
     * where the requests that held it can have sent, not over the time between: that can hold more records than a search
     * may read, and every retry would be refused until the key expired a day later. Here the stale time is 1 s, the claims
     * are 9 s apart, a search may read 50 records, and 120 lie between the two on the partition of the request's two
     * images: the first request's record of one, near the first claim, is found, and the other, not on the topic (so the
     * search must read all it may), is published. The control: a claim among those 120 puts them in reach, and the search
     * is refused.
     */
    @Test
    void aKeyClaimedFarApartIsSearchedNearEachClaimOnly() throws Exception {
        String run = UUID.randomUUID().toString();
        Upload twice = upload(42, "claimed-far-apart-" + run);
        int partition = partitionOf(twice.imageId());
        Upload notSent = upload(44, keyOn("claimed-far-apart-not-sent-" + run, partition, partitions()));
        Upload control = upload(43, keyOn("claimed-among-others-" + run, partition, partitions()));
        Instant firstClaim;
        Instant amongOthers;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            firstClaim = Instant.now();
            producer.send(new ProducerRecord<>(Topics.IMAGES, twice.imageId(), twice.bytes())).get(30, TimeUnit.SECONDS); // the first request's
            Thread.sleep(4_500); // past where it can have sent: its claim, twice the stale time, a second's slack
            amongOthers = Instant.now();
            otherUploads(producer, partition, 120, twice.bytes()); // between the two claims
        }
        Thread.sleep(4_500);
        Instant lastClaim = Instant.now();
        try (TakeOvers gateway = TakeOvers.start(Duration.ofSeconds(10), Duration.ofSeconds(1), 50)) {
            assertThat(gateway.publish(List.of(twice, notSent), List.of(firstClaim, lastClaim)).get(60, TimeUnit.SECONDS))
                    .as("the first request's record, found near its claim; the other image not").containsExactly(twice.imageId());
            assertThatThrownBy(() -> gateway.publish(List.of(control), List.of(firstClaim, amongOthers)).get(60, TimeUnit.SECONDS))
                    .as("the control: a claim among the 120 records, 50 a search may read")
                    .hasCauseInstanceOf(PublishFailedException.class).hasMessageContaining("could not be searched");
        }
        assertThat(recordsOn(Topics.IMAGES, twice.imageId())).as("records of the image the first request sent").isEqualTo(1);
        assertThat(recordsOn(Topics.IMAGES, notSent.imageId())).as("records of the image it did not").isEqualTo(1);
        assertThat(recordsOn(Topics.IMAGES, control.imageId())).as("records of the refused one").isEqualTo(0);
    }

    /** A counter's or gauge's value on a gateway's /metrics (0 when it is not there yet). */
    private static double metric(GatewayClient gateway, String name) {
        return gateway.metric(name).orElse(0);
    }

    private static void awaitMetric(GatewayClient gateway, String name, double value, String what) throws Exception {
        Waits.until(() -> metric(gateway, name), seen -> seen == value, seen -> seen, Duration.ofSeconds(20),
                what + ": " + name + " " + value);
    }

    /** The key's claim once it is in {@code state}; fails with the states seen. */
    private static Row awaitClaim(CqlSession session, String key, String state) throws Exception {
        return Waits.until(() -> session.execute("SELECT request_digest, state FROM inkstream.upload_keys WHERE idempotency_key = ?", key).one(),
                row -> row != null && state.equals(row.getString("state")), row -> row == null ? "no row" : row.getString("state"),
                Duration.ofSeconds(30), "the claim of " + key + " " + state);
    }

    private static int recordsOn(String topic, String id) {
        return TopicReader.readToEnd(pipeline.kafka(), topic, id::equals, Duration.ofSeconds(30)).size();
    }

    @Test
    void pagesThroughAModelsRecentPredictionsNewestFirst() throws Exception {
        List<Part> parts = new ArrayList<>();
        for (int i = 40; i < 46; i++) {
            parts.add(Part.file("p" + i + ".mnist", digits.images().imageBytes(i)));
        }
        Answer accepted = client.postMultipart(parts, Map.of());
        assertThat(accepted.status()).isEqualTo(202);
        client.await(accepted.header("Location"), a -> allClassified(a.json()), CLASSIFIED_WITHIN);

        JsonNode first = client.get("/api/predictions?limit=2").json();
        assertThat(first.get("model").asText()).isNotBlank();
        assertThat(first.get("predictions")).hasSize(2);
        assertThat(first.get("predictions").get(0).get("classifiedAt").asText())
                .isGreaterThanOrEqualTo(first.get("predictions").get(1).get("classifiedAt").asText());
        JsonNode second = client.get(first.get("nextUrl").asText()).json();
        assertThat(second.get("predictions")).hasSize(2);
        Set<String> seen = new HashSet<>();
        first.get("predictions").forEach(p -> seen.add(p.get("imageId").asText()));
        second.get("predictions").forEach(p -> assertThat(seen.add(p.get("imageId").asText())).isTrue());

        assertRefused(client.get("/api/predictions?page=not-a-cursor"), 400, "invalid-page");
        assertThat(client.get("/api/predictions?page=AAAA").json().get("detail").asText())
                .endsWith("not a page cursor: it does not begin with a day and a '.'");
        assertThat(client.get("/api/predictions?page=2026-12-05.00ff").json().get("detail").asText())
                .endsWith("not a page cursor: its paging state was not made by this service");
        assertRefused(client.get("/api/predictions?limit=0"), 400, "invalid-limit");
        assertThat(client.get("/api/predictions?model=no-such-model").json().get("predictions")).isEmpty();
        // A model version is what train names (ModelRoles): 1-128 of [A-Za-z0-9._-]; anything else names no model.
        assertRefused(client.get("/api/predictions?model=" + "v".repeat(129)), 400, "invalid-model");
        assertRefused(client.get("/api/predictions?model=v3%27%3B--"), 400, "invalid-model");
    }

    @Test
    void listsTheModelsWithTheActiveOneAndLiveAccuracyFromLabelledImages() throws Exception {
        Answer accepted = client.postRaw("/api/images?label=" + digits.label(50), "application/x-mnist", digits.images().imageBytes(50), Map.of());
        client.await(accepted.header("Location"), a -> a.json().get("status").asText().equals("classified"), CLASSIFIED_WITHIN);

        Answer models = client.await("/api/models", a -> {
            JsonNode active = activeModel(a.json());
            return active != null && active.has("live") && active.get("live").get("labelled").asLong() > 0;
        }, Duration.ofSeconds(60));

        JsonNode body = models.json();
        assertThat(body.get("pinned").asBoolean()).isFalse();
        JsonNode active = activeModel(body);
        assertThat(active.get("version").asText()).isEqualTo(body.get("active").asText())
                .isEqualTo(pipeline.classifier().models().current().orElseThrow().version());
        assertThat(active.get("architecture").asText()).isNotBlank();
        assertThat(active.get("validationAccuracy").asDouble()).isGreaterThan(0.95);
        assertThat(active.get("live").get("accuracy").asDouble()).isBetween(0.5, 1.0);
    }

    @Test
    void aPersonsLabelGoesOntoTheCorrectionsTopicAndCountsInTheModelsAccuracyOnPeoplesLabelsMostLabellersWinning() throws Exception {
        // No label header: only the person's label will say what this digit is.
        Answer accepted = client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(60), Map.of());
        String location = accepted.header("Location");
        Answer classified = client.await(location, a -> a.json().get("status").asText().equals("classified"), CLASSIFIED_WITHIN);
        String id = classified.json().get("id").asText();
        JsonNode prediction = classified.json().get("predictions").get(0);
        int given = prediction.get("label").asInt();
        String model = prediction.get("model").asText();
        assertThat(classified.json().has("label")).as("nobody labelled it yet").isFalse();
        int wrong = (given + 1) % 10;

        long correctionsBefore = endOfTopic(Topics.CORRECTIONS);
        Answer labelled = client.postRaw(location + "/label", "application/json", ("{\"label\": " + wrong + "}").getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(labelled.status()).as(labelled.response().body()).isEqualTo(202);
        assertThat(labelled.header("Location")).isEqualTo(location);
        assertThat(labelled.json().get("label").asInt()).isEqualTo(wrong);
        assertThat(labelled.json().get("source").asText()).isEqualTo("person");
        // 202 means the correction is on the topic, keyed by the image and its labeller, on the image's partition.
        Predicate<String> ofTheImage = key -> key.startsWith(id + "/");
        var record = TopicReader.read(pipeline.kafka(), Topics.CORRECTIONS, ofTheImage, 1, Duration.ofSeconds(10)).get(0);
        Correction onTopic = CorrectionJson.read(record.value());
        assertThat(onTopic.imageId()).isEqualTo(id);
        assertThat(onTopic.label()).isEqualTo(wrong);
        // It names its labeller by a pseudonym of the client, which the answer does not show.
        assertThat(onTopic.labeller()).matches("[0-9a-f]{16}");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(id + "/" + onTopic.labeller());
        assertThat(record.partition()).isEqualTo(CorrectionKeys.partition(id, partitionsOf(Topics.CORRECTIONS)));
        assertThat(labelled.json().has("labeller")).isFalse();

        client.await(location, a -> a.json().has("label") && a.json().get("label").get("digit").asInt() == wrong, Duration.ofSeconds(30));
        Answer models = client.await("/api/models", a -> mistakes(a.json(), model).contains(id + ":" + given + "->" + wrong), Duration.ofSeconds(60));
        JsonNode people = modelNamed(models.json(), model).get("people");
        assertThat(people.get("labelled").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(people.get("accuracy").asDouble()).isLessThan(1.0);

        // Confirmed right after all: a labeller's latest label replaces its earlier one, in the image and in the model's record.
        Answer confirmed = client.postRaw(location + "/label", "application/json", ("{\"label\":" + given + "}").getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(confirmed.status()).isEqualTo(202);
        client.await(location, a -> a.json().get("label").get("digit").asInt() == given, Duration.ofSeconds(30));
        client.await("/api/models", a -> !mistakes(a.json(), model).contains(id + ":" + given + "->" + wrong), Duration.ofSeconds(60));
        assertThat(endOfTopic(Topics.CORRECTIONS) - correctionsBefore).as("one record per accepted label").isEqualTo(2);
        List<Correction> both = new ArrayList<>();
        for (var each : TopicReader.read(pipeline.kafka(), Topics.CORRECTIONS, ofTheImage, 2, Duration.ofSeconds(10))) {
            both.add(CorrectionJson.read(each.value()));
        }
        assertThat(both).extracting(Correction::labeller).as("one client, one labeller")
                .containsExactly(onTopic.labeller(), onTopic.labeller());

        // Another client, from 127.0.0.5, says it is the wrong digit: one voice against one, the first client's stands. A third,
        // from 127.0.0.6, agrees with the first; the one who disagrees says it again: two against one.
        assertThat(labelFrom("127.0.0.5", location, wrong)).isEqualTo(202);
        awaitLabelsApplied(ofTheImage, 3);
        JsonNode tied = client.get(location).json().get("label");
        assertThat(tied.get("digit").asInt()).as("one against one").isEqualTo(given);
        assertThat(tied.get("contested").asBoolean()).as("people disagree: %s", tied).isTrue();
        assertThat(tied.get("votes")).as("one labeller each").isEqualTo(votes(given, 1, wrong, 1));
        assertThat(labelFrom("127.0.0.6", location, given)).isEqualTo(202);
        assertThat(labelFrom("127.0.0.5", location, wrong)).isEqualTo(202);
        List<ConsumerRecord<byte[], byte[]>> records = awaitLabelsApplied(ofTheImage, 5);
        JsonNode outvoted = client.get(location).json().get("label");
        assertThat(outvoted.get("digit").asInt()).as("two against one").isEqualTo(given);
        assertThat(outvoted.get("contested").asBoolean()).as("%s", outvoted).isFalse();
        assertThat(outvoted.get("votes")).isEqualTo(votes(given, 2, wrong, 1));
        assertThat(records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct()).as("a key of each labeller's own")
                .hasSize(3);
        assertThat(records).extracting(ConsumerRecord::partition).as("all on the image's partition").containsOnly(record.partition());
    }

    /** A label's {@code votes} as the API writes them: how many labellers give each of two digits. */
    private static JsonNode votes(int digit, int labellers, int other, int otherLabellers) {
        return new ObjectMapper().createObjectNode().put(Integer.toString(digit), labellers).put(Integer.toString(other), otherLabellers);
    }

    /** The image's first {@code count} corrections, once the sink has written the last of them. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitLabelsApplied(Predicate<String> ofTheImage, int count) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(pipeline.kafka(), Topics.CORRECTIONS, ofTheImage, count,
                Duration.ofSeconds(10));
        assertThat(records).as("the image's corrections on the topic").hasSize(count);
        ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
        try (CqlSession session = pipeline.cassandra().sessionBuilder().build()) {
            PredictionReader store = new PredictionReader(session);
            Waits.until(store::correctionProgress, applied -> applied.getOrDefault(last.partition(), 0L) > last.offset(), applied -> applied,
                    Duration.ofSeconds(30), "the sink's corrections written past offset " + last.offset());
        }
        return records;
    }

    /** Labels the image as a client from another loopback address, a labeller of its own; the status. */
    private int labelFrom(String address, String location, int digit) {
        return RawHttp.label(pipeline.gateway().port(), address, location, digit);
    }

    @Test
    void refusesLabelsThatAreNotADigitOfAClassifiedImageWithAJsonErrorAndPublishesNone() throws Exception {
        Answer accepted = client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(61), Map.of());
        String location = accepted.header("Location");
        client.await(location, a -> a.json().get("status").asText().equals("classified"), CLASSIFIED_WITHIN);
        long before = endOfTopic(Topics.CORRECTIONS);
        String path = location + "/label";
        for (String body : List.of("{\"label\": 10}", "{\"label\": -1}", "{\"label\": \"7\"}", "{\"label\": 7.5}", "{\"label\": null}",
                "{}", "[7]", "7", "{\"label\": 99999999999999999999}")) {
            assertRefused(client.postRaw(path, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of()), 422, "invalid-label");
        }
        assertRefused(client.postRaw(path, "application/json", "{\"label\": ".getBytes(StandardCharsets.UTF_8), Map.of()), 400, "invalid-json");
        // Read one way only: a parser that keeps the last "label" and one that keeps the first would disagree.
        for (String twoReadings : List.of("{\"label\": 3, \"label\": 4}", "{\"label\": 3} {\"label\": 4}")) {
            assertRefused(client.postRaw(path, "application/json", twoReadings.getBytes(StandardCharsets.UTF_8), Map.of()), 400,
                    "invalid-json");
        }
        assertRefused(client.postRaw(path, "text/plain", "{\"label\": 7}".getBytes(StandardCharsets.UTF_8), Map.of()), 415,
                "unsupported-media-type");
        byte[] padded = ("{\"label\": 7, \"pad\": \"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertRefused(client.postRaw(path, "application/json", padded, Map.of()), 413, "too-large");
        assertRefused(client.postRaw("/api/images/no-such-image-" + UUID.randomUUID() + "/label", "application/json",
                "{\"label\": 7}".getBytes(StandardCharsets.UTF_8), Map.of()), 404, "unknown-image");
        assertRefused(client.postRaw("/api/images/" + "x".repeat(300) + "/label", "application/json",
                "{\"label\": 7}".getBytes(StandardCharsets.UTF_8), Map.of()), 400, "invalid-id");
        assertThat(endOfTopic(Topics.CORRECTIONS)).as("a refused label is never published").isEqualTo(before);
    }

    /** A model's recent mistakes on people's labels as "id:predicted->label". */
    private static List<String> mistakes(JsonNode models, String version) {
        JsonNode model = modelNamed(models, version);
        if (model == null || !model.has("people")) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        model.get("people").get("recentMistakes").forEach(m -> found.add(m.get("imageId").asText() + ":" + m.get("predicted").asInt() + "->"
                + m.get("label").asInt()));
        return found;
    }

    private static JsonNode modelNamed(JsonNode models, String version) {
        for (JsonNode model : models.get("models")) {
            if (model.get("version").asText().equals(version)) {
                return model;
            }
        }
        return null;
    }

    private static int partitionsOf(String topic) throws Exception {
        try (Admin admin = Admin.create(pipeline.kafka().clientProperties())) {
            return Offsets.partitionsOf(admin, topic).size();
        }
    }

    private static long endOfTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(pipeline.kafka().clientProperties())) {
            return Offsets.of(admin, topic, OffsetSpec.latest()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void anEventStreamPushesThePredictionsOfItsImagesAsTheyAreCommittedAndAnotherStreamGetsEveryImage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String x = "events-" + run + "-x";
        String y = "events-" + run + "-y";
        String other = "events-" + run + "-other";
        EventLines some = EventLines.open(pipeline.url("/api/events?ids=" + x + "," + y));
        EventLines every = EventLines.open(pipeline.url("/api/events"));
        try {
            // The first line says the subscription is made: from here on nothing committed is missed.
            some.awaitLine(line -> line.equals(": subscribed to 2 images"), Duration.ofSeconds(10));
            every.awaitLine(line -> line.equals(": subscribed to every image"), Duration.ofSeconds(10));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (String id : List.of(x, other, y)) { // straight onto the topic, as any producer
                    producer.send(new ProducerRecord<>(Topics.IMAGES, id, digits.images().imageBytes(70))).get();
                }
            }
            List<JsonNode> pushed = some.awaitEvents(2, CLASSIFIED_WITHIN);
            assertThat(pushed).extracting(p -> p.get("imageId").asText()).containsExactlyInAnyOrder(x, y);
            assertThat(pushed).allSatisfy(p -> {
                assertThat(p.get("label").asInt()).isEqualTo(digits.label(70));
                assertThat(p.get("probabilities")).hasSize(10);
                assertThat(p.get("inputUrl").asText()).contains("/input.png?model=");
            });
            assertThat(every.awaitEvents(3, CLASSIFIED_WITHIN)).extracting(p -> p.get("imageId").asText()).contains(x, y, other);
            assertThat(some.events()).as("an image the stream did not ask for").noneMatch(p -> p.get("imageId").asText().equals(other));
        } finally {
            some.close();
            every.close();
        }

        assertRefused(client.get("/api/events"), 406, "not-acceptable");
        String many = String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "id-" + i).toList());
        assertRefused(client.get("/api/events?ids=" + many, Map.of("Accept", "text/event-stream")), 400, "too-many-ids");
        assertRefused(client.get("/api/events?ids=" + "x".repeat(300), Map.of("Accept", "text/event-stream")), 400, "invalid-id");
    }

    /** An open event stream, its lines read as they come by a thread of its own. */
    private static final class EventLines implements AutoCloseable {
        private static final com.fasterxml.jackson.databind.ObjectMapper EVENT_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
        private final java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

        private EventLines(String url) {
            response = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> new Thread(() -> r.body().forEach(line -> {
                seen.add(line);
                lines.add(line);
            }), "event-lines").start());
        }

        static EventLines open(String url) {
            return new EventLines(url);
        }

        void awaitLine(java.util.function.Predicate<String> wanted, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null && wanted.test(line)) {
                    return;
                }
            }
            throw new AssertionError("no such line within " + within + "; the stream sent: " + seen);
        }

        List<JsonNode> events() {
            List<JsonNode> events = new ArrayList<>();
            for (String line : seen) {
                if (line.startsWith("data: ")) {
                    try {
                        events.add(EVENT_JSON.readTree(line.substring("data: ".length())));
                    } catch (java.io.IOException e) {
                        throw new AssertionError("an event whose data is not JSON: " + line, e);
                    }
                }
            }
            return events;
        }

        List<JsonNode> awaitEvents(int count, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (events().size() < count) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(count + " events not pushed within " + within + "; the stream sent: " + seen);
                }
                Thread.sleep(200);
            }
            return events();
        }

        @Override
        public void close() {
            response.thenAccept(r -> r.body().close());
            response.cancel(true);
        }
    }

    @Test
    void listsAForgedPublicationAsRefusedWithItsReasonAndNeverAsAModel() throws Exception {
        String key = "forged-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pipeline.kafka().clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            // What anyone with write access to the topic can send: not an artifact of ours at all.
            producer.send(new ProducerRecord<>(Topics.MODELS, key, "PK\u0003\u0004 not a model".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }

        Answer models = client.await("/api/models", a -> refusal(a.json(), key) != null, Duration.ofSeconds(30));
        JsonNode refusal = refusal(models.json(), key);
        assertThat(refusal.get("reason").asText()).isNotBlank();
        assertThat(refusal.get("offset").asLong()).isNotNegative();
        assertThat(models.json().get("models")).noneMatch(model -> model.get("version").asText().equals(key));
        assertThat(models.json().get("active").asText()).isNotEqualTo(key);
    }

    private static JsonNode refusal(JsonNode models, String key) {
        for (JsonNode refused : models.get("refused")) {
            if (refused.get("key").asText().equals(key)) {
                return refused;
            }
        }
        return null;
    }

    @Test
    void answersUnknownImagesAndEndpointsWithJsonErrors() {
        assertRefused(client.get("/api/images/" + UUID.randomUUID()), 404, "unknown-image");
        assertRefused(client.get("/api/images"), 400, "missing-ids");
        assertRefused(client.get("/api/nothing-here"), 404, "not-found");
        Answer some = client.get("/api/images?ids=" + UUID.randomUUID() + "," + UUID.randomUUID());
        assertThat(some.status()).isEqualTo(200);
        assertThat(some.json().get("images")).hasSize(2).allSatisfy(image -> assertThat(image.get("status").asText()).isEqualTo("unknown"));
    }

    @Test
    void servesHealthMetricsThePageAndTheOpenApiDocument() {
        Answer health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("kafka").asText()).isEqualTo("up");
        assertThat(health.json().get("cassandra").asText()).isEqualTo("up");

        String metrics = client.get("/metrics").response().body();
        assertThat(metrics).contains("inkstream_gateway_publish_seconds")
                .contains("kafka_producer_record_send_total")
                .contains("jvm_memory_used_bytes");

        Answer page = client.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.response().body()).contains("<canvas id=\"canvas\"").contains("/app.js");
        Answer openapi = client.get("/openapi.yaml");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.header("Content-Type")).startsWith("application/yaml");
        assertThat(openapi.response().body()).contains("/api/images/{id}");
    }

    @Test
    void withAnApiKeyTheApiRefusesRequestsWithoutIt() throws Exception {
        try (GatewayService guarded = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of("s3cret-key")))) {
            GatewayClient guardedClient = new GatewayClient("http://127.0.0.1:" + guarded.port());
            assertRefused(guardedClient.get("/api/models"), 401, "unauthorized");
            assertRefused(guardedClient.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(1), Map.of("X-Api-Key", "wrong")),
                    401, "unauthorized");
            assertThat(guardedClient.get("/api/models", Map.of("X-Api-Key", "s3cret-key")).status()).isEqualTo(200);
            assertThat(guardedClient.get("/api/models", Map.of("Authorization", "Bearer s3cret-key")).status()).isEqualTo(200);
            assertThat(guardedClient.get("/health").status()).as("health stays open for probes").isEqualTo(200);
        }
    }

    @Test
    void whenTheBrokerIsGoneAnUploadIsAnswered503WithRetryAfterWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        LocalKafka doomed = LocalKafka.start();
        boolean brokerClosed = false;
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withBootstrapServers(doomed.bootstrapServers(), timeout))) {
            GatewayClient direct = new GatewayClient("http://127.0.0.1:" + gateway.port());
            assertThat(direct.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(2), Map.of()).status()).isEqualTo(202);

            doomed.close();
            brokerClosed = true;
            long started = System.nanoTime();
            Answer refused = direct.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(2), Map.of());
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertRefused(refused, 503, "broker-unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            // Bounded: the publish timeout, plus scheduling slack; never an indefinitely held request.
            assertThat(tookMillis).isLessThan(timeout.toMillis() * 3);
            assertThat(direct.get("/health").status()).isEqualTo(503);
        } finally {
            if (!brokerClosed) {
                doomed.close();
            }
        }
    }

    private static JsonNode activeModel(JsonNode models) {
        for (JsonNode model : models.get("models")) {
            if (model.get("active").asBoolean()) {
                return model;
            }
        }
        return null;
    }

    private static boolean allClassified(JsonNode images) {
        for (JsonNode image : images.get("images")) {
            if (!image.get("status").asText().equals("classified")) {
                return false;
            }
        }
        return true;
    }

    private static void assertRefused(Answer answer, int status, String error) {
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode body = answer.json();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    private static long imagesOnTopic() throws Exception {
        return endOfTopic(Topics.IMAGES);
    }
}
