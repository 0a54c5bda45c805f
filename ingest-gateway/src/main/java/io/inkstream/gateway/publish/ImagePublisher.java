package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.upload.Upload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts accepted uploads on the images topic: idempotent producer, {@code acks=all}, key = image
 * id. The returned future completes when the broker has acknowledged every image, or fails with
 * {@link PublishFailedException} within the publish timeout: never later. Thread-safe.
 */
public final class ImagePublisher implements AutoCloseable {
    /** The value of the {@code source} header on every image from the gateway. */
    public static final String SOURCE = "gateway";

    private final Producer<String, byte[]> producer;
    private final GatewayConfig.Answer answer;

    public ImagePublisher(Producer<String, byte[]> producer) {
        this(producer, GatewayConfig.Answer.AFTER_ACK);
    }

    ImagePublisher(Producer<String, byte[]> producer, GatewayConfig.Answer answer) {
        this.producer = producer;
        this.answer = answer;
    }

    /**
     * @param client where the cluster is and how to reach it ({@code GatewayConfig.kafkaClientBase})
     * @param answer when {@link #publish} completes: after the broker's acknowledgement, or (for a negative control) at once
     */
    public static ImagePublisher create(Properties client, Duration timeout, Properties overrides, GatewayConfig.Answer answer) {
        return new ImagePublisher(new KafkaProducer<>(producerProperties(client, timeout, overrides), new StringSerializer(),
                new ByteArraySerializer()), answer);
    }

    static Properties producerProperties(Properties client, Duration timeout, Properties overrides) {
        long total = timeout.toMillis();
        Properties p = new Properties();
        p.putAll(client);
        // An accepted image is on every in-sync replica: 202 means it cannot be lost.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries inside the producer never duplicate or reorder a record.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // The wait for metadata or for room in a full buffer: a quarter of the budget, then 503.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(250, total / 4));
        // Sending, retries included, ends within the budget (delivery >= linger + request timeout).
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) total);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(200, total / 2 - 10));
        // Concurrent uploads share requests: an upload's answer waits up to 20 ms for others to ride with it. The produce
        // requests follow the clock, not the uploads (one per linger at any rate), and each costs the broker and this
        // producer alike: at 500 uploads/s, 20 ms instead of Kafka's 5 took the broker's and the gateway's CPU from
        // 0.73-0.83 to 0.53-0.64 ms an upload, for 7 ms more at p50 end to end (docs/benchmarks.md, 2026-12-07).
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "inkstream-gateway");
        p.putAll(overrides);
        return p;
    }

    /**
     * Sends every upload; completes when all are acknowledged, or fails with {@link PublishFailedException}.
     * Under {@link GatewayConfig.Answer#BEFORE_ACK_UNSAFE} it completes at once, even when the producer refuses them.
     */
    public CompletableFuture<Void> publish(List<Upload> uploads, Instant submittedAt) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(uploads.size());
        for (Upload upload : uploads) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            try {
                producer.send(record(upload, submittedAt), (metadata, error) -> {
                    if (error == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(new PublishFailedException("the broker did not acknowledge image " + upload.imageId()
                                + ": " + error.getMessage(), error));
                    }
                });
            } catch (KafkaException | IllegalStateException e) {
                // max.block.ms passed waiting for metadata or buffer space, or the producer is closing.
                ack.completeExceptionally(new PublishFailedException("the broker cannot take image " + upload.imageId() + " now: "
                        + e.getMessage(), e));
                break;
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        // The first failure answers at once; the client need not wait for the other acknowledgements.
        acks.forEach(ack -> ack.whenComplete((ok, error) -> {
            if (error != null) {
                all.completeExceptionally(error);
            }
        }));
        if (answer == GatewayConfig.Answer.BEFORE_ACK_UNSAFE) {
            return CompletableFuture.completedFuture(null); // whatever the producer does with them, and whenever
        }
        return all;
    }

    static ProducerRecord<String, byte[]> record(Upload upload, Instant submittedAt) {
        return new ProducerRecord<>(Topics.IMAGES, null, upload.imageId(), upload.bytes(),
                Headers.image(upload.format().contentType(), SOURCE, submittedAt, upload.filename(), upload.label()));
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        // Flushes what is in flight: an upload still waiting for its 202 gets its answer.
        producer.close(Duration.ofSeconds(10));
    }
}
