package io.inkstream.classifier.models;

import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.artifact.ModelArtifactException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes model artifacts to the compacted models topic, keyed by version, after validating them. */
public final class ModelPublisher {
    private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);

    private ModelPublisher() {
    }

    /** Validates and publishes; returns the version. Waits for the broker's acknowledgement. */
    public static String publish(Properties clientProperties, byte[] artifact) throws ModelArtifactException {
        return publish(clientProperties, RegisteredModel.from(artifact));
    }

    /** Publishes an already validated model; returns its version. Waits for the broker's acknowledgement. */
    public static String publish(Properties clientProperties, RegisteredModel model) {
        byte[] artifact = model.artifact();
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(PipelineTopics.MODEL_MAX_BYTES));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODELS, model.version(), artifact)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing model " + model.version() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing model " + model.version() + " was not acknowledged within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing model " + model.version(), e);
        }
        log.info("model published version={} bytes={}", model.version(), artifact.length);
        return model.version();
    }

    /**
     * Publishes {@code artifact} only if the models topic holds nothing yet: a fresh deployment works out of the box. On a
     * secured cluster where this principal may not write models (only the operator may), nothing is published: the
     * classifier serves its shipped model until an operator publishes one.
     */
    public static boolean publishIfEmpty(Properties clientProperties, RegisteredModel model) {
        try (Admin admin = Admin.create(clientProperties)) {
            TopicPartition partition = new TopicPartition(Topics.MODELS, 0);
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
            if (end > 0) {
                return false;
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end of the models topic: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        try {
            publish(clientProperties, model);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof AuthorizationException) {
                log.warn("models topic is empty and this principal may not write it: serving the shipped model version={} until an"
                        + " operator publishes one reason=\"{}\"", model.version(), e.getCause().getMessage());
                return false;
            }
            throw e;
        }
        return true;
    }
}
