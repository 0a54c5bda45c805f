package io.inkstream.gateway.publish;

import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.correction.CorrectionKeys;
import io.inkstream.contract.topic.Topics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Puts people's corrections on the compacted corrections topic, keyed by image and labeller and on the image's partition
 * ({@link CorrectionKeys}: one labeller's label never replaces another's), through the images' producer (idempotent,
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
            // The producer's metadata knows the topic's partitions (it waits for them as a send would, at most max.block.ms).
            int partition = CorrectionKeys.partition(correction.imageId(), producer.partitionsFor(Topics.CORRECTIONS).size());
            producer.send(new ProducerRecord<>(Topics.CORRECTIONS, partition, CorrectionKeys.of(correction), CorrectionJson.write(correction)),
                    (metadata, error) -> {
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
