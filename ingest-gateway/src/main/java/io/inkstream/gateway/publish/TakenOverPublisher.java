package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.PipelineAcls;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.ops.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes for a retry that took over another request's Idempotency-Key, so that an image goes onto the topic once
 * even when that request's records are still on their way. A search before publishing is not enough: a record the
 * failed request sent may sit in the new leader's log above the high watermark, invisible, while the followers catch
 * up after a broker died, and be committed seconds after its producer gave up on it (ScaleOutFaultsIT saw it).
 *
 * <p>So the images are sent in a transaction and the search comes after: once this transaction's records are
 * acknowledged by every in-sync replica at offset M of a partition, every record before M there is committed or gone
 * for good, so a search of the partition from the earlier claim up to M sees the earlier request's records if they
 * will ever be there. Found: the transaction is aborted (read_committed readers, the classifier among them, never see
 * it) and only what is missing is sent again; not found: committed. A record of the earlier request still in a socket
 * when this one is acknowledged would escape; that is beyond the publish timeout by then.
 *
 * <p>Rare (only take-overs come here), so one transaction at a time, on a thread of its own.
 */
public final class TakenOverPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TakenOverPublisher.class);
    private static final int ROUNDS = 3;

    private final Properties producerProperties;
    private final PublishedImages topic;
    private final Duration timeout;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("gateway-takeover"));
    private KafkaProducer<String, byte[]> producer; // made on first use: most gateways never take a key over

    public TakenOverPublisher(Properties client, Duration timeout, Properties overrides, PublishedImages topic) {
        Properties p = ImagePublisher.producerProperties(client, timeout, overrides);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, PipelineAcls.GATEWAY_TRANSACTIONAL_PREFIX + UUID.randomUUID());
        // Its sends, the search and the commit; a gateway that dies inside one holds back read_committed readers of the
        // partition until the broker aborts it.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, timeout.toMillis() * 3));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-takeover");
        this.producerProperties = p;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * Completes when every upload is on the topic once (sent now, or found there from the earlier request), or fails with
     * {@link PublishFailedException}.
     *
     * @param earlierClaim when the request that held the key claimed it: its records, if any, are from then on
     */
    public CompletableFuture<Void> publish(List<Upload> uploads, Instant submittedAt, Instant earlierClaim) {
        return CompletableFuture.runAsync(() -> publishOnce(uploads, submittedAt, earlierClaim), worker);
    }

    private void publishOnce(List<Upload> uploads, Instant submittedAt, Instant earlierClaim) {
        List<Upload> left = uploads;
        for (int round = 0; round < ROUNDS && !left.isEmpty(); round++) {
            Set<String> found = sendAndLook(left, submittedAt, earlierClaim);
            if (found.isEmpty()) {
                return;
            }
            log.info("taken-over images found on the topic after sending, transaction aborted found={} of={}", found.size(), left.size());
            left = left.stream().filter(upload -> !found.contains(upload.imageId())).toList();
        }
        if (!left.isEmpty()) {
            throw new PublishFailedException("the images of a taken-over Idempotency-Key could not be checked in " + ROUNDS + " rounds", null);
        }
    }

    /** One transaction: sent, looked for before it, committed when none was there; returns the ids found (aborted then). */
    private Set<String> sendAndLook(List<Upload> uploads, Instant submittedAt, Instant earlierClaim) {
        try {
            KafkaProducer<String, byte[]> transactional = producer();
            transactional.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>(uploads.size());
            for (Upload upload : uploads) {
                sent.add(transactional.send(ImagePublisher.record(upload, submittedAt)));
            }
            Map<TopicPartition, Long> firstOwn = new HashMap<>();
            for (Future<RecordMetadata> ack : sent) {
                RecordMetadata metadata = ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                firstOwn.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::min);
            }
            PublishedImages.Found found = topic.findBefore(uploads.stream().map(Upload::imageId).toList(), earlierClaim, firstOwn, timeout);
            if (!found.complete()) {
                transactional.abortTransaction();
                throw new PublishFailedException("the topic could not be searched for the images of a taken-over Idempotency-Key", null);
            }
            if (found.ids().isEmpty()) {
                transactional.commitTransaction();
            } else {
                transactional.abortTransaction();
            }
            return found.ids();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            discard(); // a producer in an unknown transaction state is not used again
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("the broker did not take the images of a taken-over Idempotency-Key: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard();
            throw new PublishFailedException("interrupted while publishing the images of a taken-over Idempotency-Key", e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            KafkaProducer<String, byte[]> made = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
            try {
                made.initTransactions();
            } catch (KafkaException e) {
                made.close(Duration.ZERO);
                throw e;
            }
            producer = made;
        }
        return producer;
    }

    private void discard() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
