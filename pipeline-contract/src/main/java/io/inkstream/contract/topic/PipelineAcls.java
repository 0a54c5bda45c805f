package io.inkstream.contract.topic;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each principal of the pipeline may do on a secured cluster, and nothing more: the gateway
 * writes images and corrections and reads models, model roles and predictions; the classifier reads images, models and model
 * roles and writes predictions (shadow ones too) and dead letters, under its application id; the sink reads predictions, shadow
 * predictions, corrections and dead letters; the
 * operator alone writes {@code models} and {@code model-roles} (and replays with {@code reclassify}). A stolen gateway,
 * classifier or sink credential can then not publish a model. Every principal may describe the
 * pipeline's topics, so that each service sees they exist at start.
 *
 * @param gateway     e.g. {@code User:gateway}
 * @param classifier  the classifier's principal
 * @param sink        the sink's principal
 * @param operator    who publishes models and runs reclassify
 * @param classifierApplicationId the classifier's Kafka Streams application id (its group, transactions and internal topics)
 * @param sinkGroup   the sink's consumer group
 */
public record PipelineAcls(String gateway, String classifier, String sink, String operator, String classifierApplicationId,
                           String sinkGroup) {
    /** The prefix of every reclassify run's application id, group and internal topics. */
    public static final String RECLASSIFY_PREFIX = "inkstream-reclassify";
    /** The prefix of the transactional id of every gateway instance's producer for taken-over Idempotency-Keys. */
    public static final String GATEWAY_TRANSACTIONAL_PREFIX = "inkstream-gateway-";
    private static final List<String> ALL_TOPICS = List.of(Topics.IMAGES, Topics.PREDICTIONS, Topics.MODELS, Topics.CORRECTIONS,
            Topics.IMAGES_DLQ, Topics.PREDICTIONS_DLQ, Topics.SHADOW_PREDICTIONS, Topics.MODEL_ROLES);

    public static PipelineAcls defaults() {
        return new PipelineAcls("User:gateway", "User:classifier", "User:sink", "User:operator", "inkstream-classifier", "inkstream-sink");
    }

    public List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        for (String principal : List.of(gateway, classifier, sink, operator)) {
            ALL_TOPICS.forEach(topic -> allow(acls, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
            // Describing the cluster (health checks) and idempotent producers.
            allow(acls, principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE);
            allow(acls, principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE);
        }

        allow(acls, gateway, ResourceType.TOPIC, Topics.IMAGES, PatternType.LITERAL, AclOperation.WRITE);
        allow(acls, gateway, ResourceType.TOPIC, Topics.MODELS, PatternType.LITERAL, AclOperation.READ);
        allow(acls, gateway, ResourceType.TOPIC, Topics.MODEL_ROLES, PatternType.LITERAL, AclOperation.READ);
        allow(acls, gateway, ResourceType.TOPIC, Topics.CORRECTIONS, PatternType.LITERAL, AclOperation.WRITE);
        // Its event streams follow the predictions topic (every instance all of it, no group).
        allow(acls, gateway, ResourceType.TOPIC, Topics.PREDICTIONS, PatternType.LITERAL, AclOperation.READ);
        // A retry that takes over another request's Idempotency-Key looks for that request's images on the topic, and publishes
        // in a transaction it aborts if they turn up after all.
        allow(acls, gateway, ResourceType.TOPIC, Topics.IMAGES, PatternType.LITERAL, AclOperation.READ);
        allow(acls, gateway, ResourceType.TRANSACTIONAL_ID, GATEWAY_TRANSACTIONAL_PREFIX, PatternType.PREFIXED, AclOperation.WRITE);
        allow(acls, gateway, ResourceType.TRANSACTIONAL_ID, GATEWAY_TRANSACTIONAL_PREFIX, PatternType.PREFIXED, AclOperation.DESCRIBE);

        streamsApplication(acls, classifier, classifierApplicationId);

        allow(acls, sink, ResourceType.TOPIC, Topics.PREDICTIONS, PatternType.LITERAL, AclOperation.READ);
        allow(acls, sink, ResourceType.TOPIC, Topics.IMAGES_DLQ, PatternType.LITERAL, AclOperation.READ);
        allow(acls, sink, ResourceType.TOPIC, Topics.SHADOW_PREDICTIONS, PatternType.LITERAL, AclOperation.READ);
        // Every sink instance reads all of corrections itself (no group): it labels the predictions it writes with them.
        allow(acls, sink, ResourceType.TOPIC, Topics.CORRECTIONS, PatternType.LITERAL, AclOperation.READ);
        allow(acls, sink, ResourceType.TOPIC, Topics.PREDICTIONS_DLQ, PatternType.LITERAL, AclOperation.WRITE);
        allow(acls, sink, ResourceType.GROUP, sinkGroup, PatternType.LITERAL, AclOperation.READ);
        allow(acls, sink, ResourceType.GROUP, sinkGroup, PatternType.LITERAL, AclOperation.DESCRIBE);

        allow(acls, operator, ResourceType.TOPIC, Topics.MODELS, PatternType.LITERAL, AclOperation.WRITE);
        // shadow names the candidate; promote publishes its artifact again (read as reclassify reads models).
        allow(acls, operator, ResourceType.TOPIC, Topics.MODEL_ROLES, PatternType.LITERAL, AclOperation.WRITE);
        allow(acls, operator, ResourceType.TOPIC, Topics.IMAGES, PatternType.LITERAL, AclOperation.WRITE);
        streamsApplication(acls, operator, RECLASSIFY_PREFIX);
        // reclassify's summary reads the predictions back: its agreement with the model before it.
        allow(acls, operator, ResourceType.TOPIC, Topics.PREDICTIONS, PatternType.LITERAL, AclOperation.READ);
        // train --with-corrections reads the corrected images' ids (and, as reclassify does, the images).
        allow(acls, operator, ResourceType.TOPIC, Topics.CORRECTIONS, PatternType.LITERAL, AclOperation.READ);
        return acls;
    }

    /** A Kafka Streams application of this pipeline: reads images and models, writes predictions and dead letters, owns its prefix. */
    private static void streamsApplication(List<AclBinding> acls, String principal, String prefix) {
        allow(acls, principal, ResourceType.TOPIC, Topics.IMAGES, PatternType.LITERAL, AclOperation.READ);
        allow(acls, principal, ResourceType.TOPIC, Topics.MODELS, PatternType.LITERAL, AclOperation.READ);
        allow(acls, principal, ResourceType.TOPIC, Topics.MODEL_ROLES, PatternType.LITERAL, AclOperation.READ);
        allow(acls, principal, ResourceType.TOPIC, Topics.PREDICTIONS, PatternType.LITERAL, AclOperation.WRITE);
        allow(acls, principal, ResourceType.TOPIC, Topics.SHADOW_PREDICTIONS, PatternType.LITERAL, AclOperation.WRITE);
        allow(acls, principal, ResourceType.TOPIC, Topics.IMAGES_DLQ, PatternType.LITERAL, AclOperation.WRITE);
        // Its consumer group, its transactional ids and its internal (changelog) topics all start with its application id.
        allow(acls, principal, ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.ALL);
        allow(acls, principal, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.ALL);
        allow(acls, principal, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.ALL);
    }

    private static void allow(List<AclBinding> acls, String principal, ResourceType type, String name, PatternType pattern,
                              AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
    }
}
