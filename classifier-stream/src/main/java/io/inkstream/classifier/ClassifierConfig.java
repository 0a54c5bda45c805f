package io.inkstream.classifier;

import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything the classifier reads from its environment, with the defaults in one place.
 *
 * @param bootstrapServers  Kafka, {@code INKSTREAM_KAFKA_BOOTSTRAP}
 * @param applicationId     consumer group and state prefix, {@code INKSTREAM_CLASSIFIER_APPLICATION_ID}
 * @param guarantee         {@code INKSTREAM_CLASSIFIER_GUARANTEE}: exactly_once_v2 or at_least_once
 * @param batch             {@code INKSTREAM_BATCH_MAX_RECORDS}, {@code INKSTREAM_BATCH_MAX_WAIT_MS},
 *                          {@code INKSTREAM_BATCH_BUFFER} (changelog, or memory_unsafe to measure what safety costs)
 * @param pinnedModel       {@code INKSTREAM_CLASSIFIER_MODEL}: a version to use instead of the latest published
 * @param streamThreads     {@code INKSTREAM_CLASSIFIER_THREADS}
 * @param stateDir          {@code INKSTREAM_CLASSIFIER_STATE_DIR}
 * @param httpHost          the interface health and metrics listen on, {@code INKSTREAM_CLASSIFIER_HTTP_HOST}; loopback unless set
 * @param httpPort          health and metrics, {@code INKSTREAM_CLASSIFIER_HTTP_PORT}; 0 picks a free port
 * @param partitions        partitions of topics the classifier creates when missing, {@code INKSTREAM_TOPIC_PARTITIONS}
 * @param limits            {@code INKSTREAM_IMAGE_MAX_BYTES}, {@code INKSTREAM_IMAGE_MAX_SIDE}
 * @param kafkaClient       {@code INKSTREAM_KAFKA_CLIENT_*}: settings of every Kafka client (security), see {@link KafkaClientSettings}
 * @param streamsOverrides  {@code INKSTREAM_KAFKA_STREAMS_*}: any Kafka Streams setting, e.g.
 *                          {@code INKSTREAM_KAFKA_STREAMS_COMMIT_INTERVAL_MS=50}
 * @param modelTrust        {@code INKSTREAM_CLASSIFIER_TRUSTED_KEYS}: comma-separated public keys ({@code .pub}); only artifacts
 *                          signed by one of them or by the project's key are used; {@code any} accepts unsigned ones
 * @param instanceId        {@code INKSTREAM_CLASSIFIER_INSTANCE_ID}: static group membership, so that an instance restarted
 *                          under the same id takes its partitions back at once; unique per instance (a pod's name), unset by default
 */
public record ClassifierConfig(String bootstrapServers, String applicationId, Guarantee guarantee, BatchSettings batch,
                               Optional<String> pinnedModel, int streamThreads, Path stateDir, String httpHost, int httpPort, int partitions,
                               PreprocessingLimits limits, Properties kafkaClient, Properties streamsOverrides, ModelTrust modelTrust,
                               Optional<String> instanceId) {

    public enum Guarantee {
        EXACTLY_ONCE_V2, AT_LEAST_ONCE;

        public String streamsValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String BOOTSTRAP = "INKSTREAM_KAFKA_BOOTSTRAP";
    public static final String APPLICATION_ID = "INKSTREAM_CLASSIFIER_APPLICATION_ID";
    public static final String GUARANTEE = "INKSTREAM_CLASSIFIER_GUARANTEE";
    public static final String BATCH_MAX_RECORDS = "INKSTREAM_BATCH_MAX_RECORDS";
    public static final String BATCH_MAX_WAIT_MS = "INKSTREAM_BATCH_MAX_WAIT_MS";
    public static final String BATCH_BUFFER = "INKSTREAM_BATCH_BUFFER";
    public static final String MODEL = "INKSTREAM_CLASSIFIER_MODEL";
    public static final String THREADS = "INKSTREAM_CLASSIFIER_THREADS";
    public static final String STATE_DIR = "INKSTREAM_CLASSIFIER_STATE_DIR";
    public static final String HTTP_HOST = "INKSTREAM_CLASSIFIER_HTTP_HOST";
    public static final String HTTP_PORT = "INKSTREAM_CLASSIFIER_HTTP_PORT";
    public static final String PARTITIONS = "INKSTREAM_TOPIC_PARTITIONS";
    public static final String IMAGE_MAX_BYTES = PreprocessingLimits.MAX_BYTES_VARIABLE;
    public static final String IMAGE_MAX_SIDE = PreprocessingLimits.MAX_SIDE_VARIABLE;
    public static final String STREAMS_PREFIX = "INKSTREAM_KAFKA_STREAMS_";
    public static final String TRUSTED_KEYS = ModelTrust.TRUSTED_KEYS_VARIABLE;
    public static final String INSTANCE_ID = "INKSTREAM_CLASSIFIER_INSTANCE_ID";

    public static ClassifierConfig fromEnvironment(Environment env) {
        env.rejectUnknown(Set.of(BOOTSTRAP, APPLICATION_ID, GUARANTEE, BATCH_MAX_RECORDS, BATCH_MAX_WAIT_MS, BATCH_BUFFER, MODEL, THREADS,
                        STATE_DIR, HTTP_HOST, HTTP_PORT, PARTITIONS, TRUSTED_KEYS, IMAGE_MAX_BYTES, IMAGE_MAX_SIDE, INSTANCE_ID),
                Set.of(STREAMS_PREFIX, KafkaClientSettings.PREFIX), Set.of("INKSTREAM_GATEWAY_", "INKSTREAM_SINK_", "INKSTREAM_CASSANDRA_", "INKSTREAM_KAFKA_PRODUCER_",
                        "INKSTREAM_KAFKA_CONSUMER_", "INKSTREAM_DATA_", "INKSTREAM_LOG_", "INKSTREAM_JAVA_", "INKSTREAM_DEBUG"));
        String model = env.string(MODEL, "");
        String instance = env.string(INSTANCE_ID, "");
        return new ClassifierConfig(
                env.string(BOOTSTRAP, "localhost:9092"),
                env.string(APPLICATION_ID, "inkstream-classifier"),
                env.choice(GUARANTEE, Guarantee.EXACTLY_ONCE_V2),
                new BatchSettings(env.integer(BATCH_MAX_RECORDS, 256, 1, 100_000),
                        Duration.ofMillis(env.integer(BATCH_MAX_WAIT_MS, 20, 1, 600_000)),
                        env.choice(BATCH_BUFFER, BatchSettings.Buffer.CHANGELOG)),
                model.isEmpty() ? Optional.empty() : Optional.of(model),
                env.integer(THREADS, 1, 1, 64),
                Path.of(env.string(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "inkstream-classifier").toString())),
                env.string(HTTP_HOST, "127.0.0.1"),
                env.integer(HTTP_PORT, 8081, 0, 65_535),
                env.integer(PARTITIONS, 6, 1, 10_000),
                PreprocessingLimits.read(env::integer),
                KafkaClientSettings.fromEnvironment(env),
                env.passThrough(STREAMS_PREFIX),
                env.parsed(ModelTrust.TRUSTED_KEYS_VARIABLE, "", ModelTrust::fromVariable),
                instance.isEmpty() ? Optional.empty() : Optional.of(instance));
    }

    /** Defaults for a broker, for tests and the local run. */
    public static ClassifierConfig defaults(String bootstrapServers) {
        return fromEnvironment(new Environment(Map.of(BOOTSTRAP, bootstrapServers)));
    }

    public ClassifierConfig withApplicationId(String id) {
        return with(copy -> copy.applicationId = id);
    }

    public ClassifierConfig withBatch(BatchSettings settings) {
        return with(copy -> copy.batch = settings);
    }

    public ClassifierConfig withPinnedModel(Optional<String> version) {
        return with(copy -> copy.pinnedModel = version);
    }

    public ClassifierConfig withHttpPort(int port) {
        return with(copy -> copy.httpPort = port);
    }

    /** The properties every Kafka client of the classifier starts from. */
    public Properties kafkaClientBase() {
        return KafkaClientSettings.base(bootstrapServers, kafkaClient);
    }

    /** Settings every Kafka client takes (a command's {@code --kafka-config}), in place of INKSTREAM_KAFKA_CLIENT_*. */
    public ClassifierConfig withKafkaClient(Properties settings) {
        return with(copy -> copy.kafkaClient = settings);
    }

    public ClassifierConfig withModelTrust(ModelTrust trust) {
        return with(copy -> copy.modelTrust = trust);
    }

    public ClassifierConfig withStateDir(Path dir) {
        return with(copy -> copy.stateDir = dir);
    }

    /** This config with the settings {@code change} sets: the one place a copy names all 15 in their order. */
    private ClassifierConfig with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return new ClassifierConfig(copy.bootstrapServers, copy.applicationId, copy.guarantee, copy.batch, copy.pinnedModel, copy.streamThreads,
                copy.stateDir, copy.httpHost, copy.httpPort, copy.partitions, copy.limits, copy.kafkaClient, copy.streamsOverrides, copy.modelTrust,
                copy.instanceId);
    }

    /** A config's settings by name, for {@link #with} to change some of. */
    private static final class Copy {
        String bootstrapServers, applicationId, httpHost;
        Guarantee guarantee;
        BatchSettings batch;
        Optional<String> pinnedModel, instanceId;
        int streamThreads, httpPort, partitions;
        Path stateDir;
        PreprocessingLimits limits;
        Properties kafkaClient, streamsOverrides;
        ModelTrust modelTrust;

        Copy(ClassifierConfig config) {
            bootstrapServers = config.bootstrapServers;
            applicationId = config.applicationId;
            guarantee = config.guarantee;
            batch = config.batch;
            pinnedModel = config.pinnedModel;
            streamThreads = config.streamThreads;
            stateDir = config.stateDir;
            httpHost = config.httpHost;
            httpPort = config.httpPort;
            partitions = config.partitions;
            limits = config.limits;
            kafkaClient = config.kafkaClient;
            streamsOverrides = config.streamsOverrides;
            modelTrust = config.modelTrust;
            instanceId = config.instanceId;
        }
    }
}
