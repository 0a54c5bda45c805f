package io.inkstream.contract.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing, with the settings the contract needs:
 * images kept forever (replays read them), models compacted and allowed large records.
 * Existing topics are left alone. Every service calls this at start, so any one can come first.
 */
public final class PipelineTopics {
    /** Models are zips of a few hundred KB to a few MB. */
    public static final int MODEL_MAX_BYTES = 16 << 20;
    /**
     * Records of the images topics: an image at the default 1 MiB cap plus its key and headers is
     * just over the broker's default of 1 MiB + 12 bytes, so these topics allow more. Producers of
     * images set their max.request.size to this too.
     */
    public static final int IMAGE_MAX_MESSAGE_BYTES = 8 << 20;
    /**
     * Records that carry a whole image record and a little more: its dead letter (the failure's headers, about a
     * kilobyte) and the classifier's buffer changelog (its framing). A topic that refuses one fails the classifier's
     * transaction, on the same image after every restart, so these allow more than any images record can be.
     */
    public static final int IMAGE_COPY_MAX_MESSAGE_BYTES = IMAGE_MAX_MESSAGE_BYTES + (64 << 10);
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    private static final Logger log = LoggerFactory.getLogger(PipelineTopics.class);

    private PipelineTopics() {
    }

    /**
     * @param partitions  partitions of images, predictions and the dead-letter topics (models has one)
     * @param replication replication factor, or empty for the broker's default
     */
    public static void ensure(Admin admin, int partitions, Optional<Short> replication) {
        List<NewTopic> topics = topics(partitions, replication);
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            // A topic created before its contract allowed larger records keeps its old limit unless it is raised.
            Map<String, Integer> limits = new TreeMap<>();
            topics.stream().filter(t -> existing.contains(t.name()) && t.configs().containsKey(MAX_MESSAGE_BYTES))
                    .forEach(t -> limits.put(t.name(), Integer.parseInt(t.configs().get(MAX_MESSAGE_BYTES))));
            raiseMessageLimits(admin, limits);
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    // A secured cluster: topics a service may not describe are not listed, and it may not create any.
                    // They are the operator's to create (docs/deployment.md); the clients fail clearly if they are missing.
                    log.warn("topics not created, not authorized: {} reason=\"{}\"", missing.stream().map(NewTopic::name).toList(),
                            e.getCause().getMessage());
                    return;
                }
                if (!(e.getCause() instanceof TopicExistsException)) { // another service was quicker
                    throw new IllegalStateException("cannot create topics " + missing + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer within 30 s while creating topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * The pipeline's topics with their settings: what {@link #ensure} creates, and what
     * docker-compose's topic set-up must match (a test compares them).
     */
    public static List<NewTopic> topics(int partitions, Optional<Short> replication) {
        String imageMax = Integer.toString(IMAGE_MAX_MESSAGE_BYTES);
        List<NewTopic> topics = new ArrayList<>();
        topics.add(topic(Topics.IMAGES, partitions, replication, Map.of("retention.ms", "-1", "retention.bytes", "-1",
                MAX_MESSAGE_BYTES, imageMax)));
        topics.add(topic(Topics.PREDICTIONS, partitions, replication, Map.of()));
        topics.add(topic(Topics.SHADOW_PREDICTIONS, partitions, replication, Map.of()));
        topics.add(topic(Topics.MODELS, 1, replication, Map.of("cleanup.policy", "compact",
                MAX_MESSAGE_BYTES, Integer.toString(MODEL_MAX_BYTES))));
        // Compacted: a role's latest record is the one in force; one partition, so that every reader sees them in order.
        topics.add(topic(Topics.MODEL_ROLES, 1, replication, Map.of("cleanup.policy", "compact")));
        // Compacted: a labeller's latest correction of an image is all that counts, and the topic stays as small as the labels.
        topics.add(topic(Topics.CORRECTIONS, partitions, replication, Map.of("cleanup.policy", "compact")));
        topics.add(topic(Topics.IMAGES_DLQ, partitions, replication, Map.of(MAX_MESSAGE_BYTES, Integer.toString(IMAGE_COPY_MAX_MESSAGE_BYTES))));
        topics.add(topic(Topics.PREDICTIONS_DLQ, partitions, replication, Map.of()));
        return topics;
    }

    /**
     * Raises each existing topic's {@code max.message.bytes} to at least the given bytes (never lowers it); a topic that
     * does not exist yet is left to whoever creates it, and so is a topic this client may not see or alter (a secured
     * cluster, where topics are the operator's). Each change is logged; a failure warns with the setting to make.
     */
    public static void raiseMessageLimits(Admin admin, Map<String, Integer> minimums) {
        for (Map.Entry<String, Integer> topic : minimums.entrySet()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.getKey());
            try {
                ConfigEntry current = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get(MAX_MESSAGE_BYTES);
                int limit = current == null || current.value() == null ? 0 : Integer.parseInt(current.value());
                if (limit >= topic.getValue()) {
                    continue;
                }
                admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(MAX_MESSAGE_BYTES, Integer.toString(topic.getValue())), AlterConfigOp.OpType.SET))))
                        .all().get(30, TimeUnit.SECONDS);
                log.info("topic message limit raised topic={} from={} to={}", topic.getKey(), limit, topic.getValue());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException || e.getCause() instanceof AuthorizationException) {
                    continue; // not there yet, or a secured cluster's: its operator sets the limits (docs/deployment.md)
                }
                log.warn("topic message limit not raised topic={} needed={} reason=\"{}\": set {}={} on it", topic.getKey(),
                        topic.getValue(), e.getCause().getMessage(), MAX_MESSAGE_BYTES, topic.getValue());
            } catch (TimeoutException e) {
                throw new IllegalStateException("the Kafka cluster did not answer within 30 s while checking " + topic.getKey(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking topic " + topic.getKey(), e);
            }
        }
    }

    /** A created topic is usable once every partition has a leader; until then clients see "unknown topic". */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(partition -> partition.leader() != null));
                if (ready) {
                    return;
                }
            } catch (ExecutionException notYetVisible) {
                // UnknownTopicOrPartition while the metadata propagates
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " have no leaders 30 s after creation");
            }
            Thread.sleep(50);
        }
    }

    private static NewTopic topic(String name, int partitions, Optional<Short> replication, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), replication).configs(configs);
    }
}
