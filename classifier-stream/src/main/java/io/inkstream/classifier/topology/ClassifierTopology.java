package io.inkstream.classifier.topology;

import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.classifier.batching.BatchingClassifierProcessor;
import io.inkstream.classifier.batching.PendingImageBufferBuilder;
import io.inkstream.classifier.batching.ThreadBatches;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.ModelRoleLoader;
import io.inkstream.classifier.models.ModelTopicLoader;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The classifier's topology, built by one method that {@code ClassifierService} and the tests
 * both call.
 *
 * <pre>
 *   images ──► classify (preprocess, buffer; one batched model call per stream thread) ──► predictions
 *                 │  batch-buffer (pending at commit → changelog)  ├──► predictions.shadow (the shadow's answers)
 *                 │                                                 └──► images.dlq
 *   models ──► models-loader (global store) ──► ModelRegistry (read by classify between batches)
 *   model-roles ──► model-roles-loader (global store) ──► ModelRegistry's shadow
 * </pre>
 *
 * Keys and values stay bytes end to end, so a dead letter carries the original record unchanged.
 */
public final class ClassifierTopology {
    public static final String IMAGES_SOURCE = "images-source";
    public static final String CLASSIFY = "classify";
    public static final String PREDICTIONS_SINK = "predictions-sink";
    public static final String SHADOW_SINK = "shadow-predictions-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String BUFFER_STORE = "batch-buffer";
    public static final String MODELS_STORE = "models-store";
    public static final String MODELS_SOURCE = "models-source";
    public static final String MODELS_LOADER = "models-loader";
    public static final String ROLES_STORE = "model-roles-store";
    public static final String ROLES_SOURCE = "model-roles-source";
    public static final String ROLES_LOADER = "model-roles-loader";

    /**
     * What the topology needs besides topic names: how to batch, which models, how to preprocess, where to count, and whether to
     * follow the model-roles topic (the service does; a reclassify replay classifies with its one model only).
     */
    public record Settings(BatchSettings batch, ModelRegistry models, DigitPreprocessor preprocessor, ClassifierMetrics metrics,
                           Clock clock, boolean followRoles) {
        /** The service's settings: following the model-roles topic. */
        public Settings(BatchSettings batch, ModelRegistry models, DigitPreprocessor preprocessor, ClassifierMetrics metrics, Clock clock) {
            this(batch, models, preprocessor, metrics, clock, true);
        }
    }

    private ClassifierTopology() {
    }

    /** The buffer's changelog topic, as Kafka Streams names it. */
    public static String bufferChangelog(String applicationId) {
        return applicationId + "-" + BUFFER_STORE + "-changelog";
    }

    public static Topology build(Settings settings) {
        Topology topology = new Topology();
        topology.addSource(IMAGES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.IMAGES);
        // One batch per stream thread, shared by the tasks the thread runs: one model call for all of them.
        ThreadBatches batches = new ThreadBatches(settings.metrics(), settings.clock());
        topology.addProcessor(CLASSIFY, () -> new BatchingClassifierProcessor(BUFFER_STORE, PREDICTIONS_SINK, SHADOW_SINK, DEAD_LETTER_SINK,
                settings.batch(), settings.models(), settings.preprocessor(), settings.metrics(), batches, settings.clock()), IMAGES_SOURCE);
        // Changelogged: what is pending at a commit survives a crash (see PendingImageBuffer).
        topology.addStateStore(new PendingImageBufferBuilder(BUFFER_STORE, settings.batch().buffer()), CLASSIFY);
        topology.addSink(PREDICTIONS_SINK, Topics.PREDICTIONS, new ByteArraySerializer(), new ByteArraySerializer(), CLASSIFY);
        topology.addSink(SHADOW_SINK, Topics.SHADOW_PREDICTIONS, new ByteArraySerializer(), new ByteArraySerializer(), CLASSIFY);
        topology.addSink(DEAD_LETTER_SINK, Topics.IMAGES_DLQ, new ByteArraySerializer(), new ByteArraySerializer(), CLASSIFY);

        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODELS_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(), // a global store is restored from its own topic
                MODELS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.MODELS, MODELS_LOADER,
                () -> new ModelTopicLoader(MODELS_STORE, settings.models()));
        if (settings.followRoles()) {
            topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ROLES_STORE), Serdes.String(),
                            Serdes.ByteArray()).withLoggingDisabled(),
                    ROLES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.MODEL_ROLES, ROLES_LOADER,
                    () -> new ModelRoleLoader(ROLES_STORE, settings.models()));
        }
        return topology;
    }
}
