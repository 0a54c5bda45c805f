package io.inkstream.classifier.models;

import io.inkstream.contract.role.InvalidModelRoleException;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.ops.kafka.TopicScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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

/**
 * Publishes model artifacts to the compacted models topic, keyed by version, after validating them; finds what is published;
 * names the shadow model on the model-roles topic.
 */
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
     * The artifact last published under {@code version} on the models topic, read to its end; empty if none was (or it was
     * taken back with a tombstone). Not validated here: whoever uses it validates it ({@link RegisteredModel#from}), as the
     * classifier does.
     */
    public static Optional<byte[]> published(Properties clientProperties, String version) {
        return latest(clientProperties, Topics.MODELS, version);
    }

    /** The version the model-roles topic names as the shadow now, read to its end; empty if none (or a record that names none). */
    public static Optional<String> shadowNamed(Properties clientProperties) {
        try {
            return ModelRoles.read(ModelRoles.SHADOW, latest(clientProperties, Topics.MODEL_ROLES, ModelRoles.SHADOW).orElse(null));
        } catch (InvalidModelRoleException e) {
            return Optional.empty(); // the classifiers ignore it too
        }
    }

    /** The latest value under {@code key} of a one-partition compacted topic; empty if none (or a tombstone last). */
    private static Optional<byte[]> latest(Properties clientProperties, String topic, String key) {
        LatestUnder latest = new LatestUnder(key);
        readToEnd(clientProperties, topic, latest);
        return latest.value();
    }

    /** A version's latest artifact on the models topic, if any, and the version the classifiers use now: from one read. */
    public record Lookup(Optional<byte[]> artifact, String activeVersion) {
    }

    /**
     * One read of the models topic for what an operator's command needs: the artifact last published under {@code version}
     * (as {@link #published}, not validated here) and the model the classifiers use now, by their rule and with {@code trust}:
     * every publication offered to a {@link ModelRegistry} with its offset, as the classifier's global thread offers them; the
     * shipped model if none is accepted. A classifier pinned to a version ({@code INKSTREAM_CLASSIFIER_MODEL}) uses that one instead.
     */
    public static Lookup lookup(Properties clientProperties, String version, RegisteredModel shipped, ModelTrust trust) {
        ModelRegistry registry = new ModelRegistry(Optional.empty(), shipped, trust);
        LatestUnder latest = new LatestUnder(version);
        readToEnd(clientProperties, Topics.MODELS, record -> {
            registry.offer(record.key(), record.value(), record.offset());
            latest.accept(record);
        });
        return new Lookup(latest.value(), registry.current().orElse(shipped).version());
    }

    /** Every record of a one-partition topic up to its end now, keys as text. */
    private static void readToEnd(Properties clientProperties, String topic, Consumer<KeyedRecord> each) {
        TopicScan.readToEnd(clientProperties, topic, PipelineTopics.MODEL_MAX_BYTES, Duration.ofMinutes(2), record -> each.accept(
                new KeyedRecord(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), record.value(), record.offset())));
    }

    private record KeyedRecord(String key, byte[] value, long offset) {
    }

    /** The value last read under one key of a compacted topic: a tombstone after a record takes it back. */
    private static final class LatestUnder implements Consumer<KeyedRecord> {
        private final String key;
        private byte[] value;

        LatestUnder(String key) {
            this.key = key;
        }

        @Override
        public void accept(KeyedRecord record) {
            if (key.equals(record.key())) {
                value = record.value();
            }
        }

        Optional<byte[]> value() {
            return Optional.ofNullable(value);
        }
    }

    /**
     * Names {@code version} as the shadow model (or, empty, stops shadowing) on the compacted model-roles topic; every
     * classifier instance follows it from its next batch. Waits for the broker's acknowledgement.
     */
    public static void nameShadow(Properties clientProperties, Optional<String> version) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_ROLES, ModelRoles.SHADOW, ModelRoles.value(version))).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("naming the shadow model failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("naming the shadow model was not acknowledged within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while naming the shadow model", e);
        }
        log.info("shadow model named version={}", version.orElse("none"));
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
