package io.inkstream.gateway.publish;

import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.topic.Topics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Puts people's corrections on the compacted corrections topic, keyed by image id, through the images' producer (idempotent,
 * {@code acks=all}, the same publish timeout): the future completes when the broker has the correction, or fails with
 * {@link PublishFailedException}. Thread-safe.
 */
public final class CorrectionPublisher {
    private final Producer<String, byte[]> producer;

    public CorrectionPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<Void> publish(Correction correction) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(Topics.CORRECTIONS, correction.imageId(), CorrectionJson.write(correction)), (metadata, error) -> {
                if (error == null) {
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(new PublishFailedException("the broker did not acknowledge the correction of "
                            + correction.imageId() + ": " + error.getMessage(), error));
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            ack.completeExceptionally(new PublishFailedException("the broker cannot take the correction now: " + e.getMessage(), e));
        }
        return ack;
    }
}
