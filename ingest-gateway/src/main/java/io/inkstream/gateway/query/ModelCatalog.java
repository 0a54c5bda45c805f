package io.inkstream.gateway.query;

import io.inkstream.contract.role.InvalidModelRoleException;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.image.artifact.ModelPublications;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.ops.DaemonThreads;
import io.inkstream.store.ModelAccuracy;
import io.inkstream.store.PeopleAccuracy;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.ShadowAccuracy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models the pipeline knows and how each is doing. Versions and metadata come from the
 * compacted models topic (read from the beginning, followed; networks are never loaded here, but
 * every check of an artifact's bytes runs, with the classifier's trusted keys); the active one
 * follows the classifier's rule, the same code ({@link ModelPublications}): the pinned version,
 * else the latest accepted publication; the shadow is what the model-roles topic (followed by the same consumer) names. Live
 * accuracy is read from the running counts the sink
 * keeps in Cassandra (and, on people's labels, from the rows of the images they labelled), in the background, when someone asks
 * and the last count is older than the gateway's {@code INKSTREAM_GATEWAY_ACCURACY_REFRESH_MS}: a request never waits for
 * Cassandra.
 */
public final class ModelCatalog implements AutoCloseable {
    /** A model's latest mistakes on people's labels, listed with it. */
    static final int RECENT_MISTAKES = 10;
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    /**
     * One model: its metadata if its artifact is on the topic, its live record if it classified anything, and, if it ever ran as
     * the shadow, how it did there.
     */
    public record Entry(String version, Optional<ModelMetadata> metadata, Optional<ModelAccuracy> live, Optional<PeopleAccuracy> people,
                        boolean active, boolean shadow, Optional<ShadowAccuracy> asShadow) {
    }

    /**
     * @param shadow     the version named as the shadow model, if any
     * @param accuracyAt when the live figures were counted, if ever
     * @param refused    the latest publications refused, newest first: never listed among the models, never used
     */
    public record Snapshot(Optional<String> active, boolean pinned, Optional<String> shadow, List<Entry> models,
                           Optional<Instant> accuracyAt, List<ModelPublications.Refusal> refused) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final PredictionReader reader;
    private final Optional<String> pinned;
    private final Clock clock;
    private final Duration accuracyRefresh;
    private final ModelPublications<ModelMetadata> artifacts;
    private final ModelTrust trust;
    private volatile Map<String, ModelAccuracy> accuracy = Map.of();
    private volatile Map<String, PeopleAccuracy> peopleAccuracy = Map.of();
    private volatile Map<String, ShadowAccuracy> shadowAccuracy = Map.of();
    /** The shadow role as the model-roles topic last named it. */
    private volatile Optional<String> shadow = Optional.empty();
    private volatile Optional<Instant> accuracyAt = Optional.empty();
    private final AtomicBoolean counting = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService counter = Executors.newSingleThreadExecutor(DaemonThreads.named("model-accuracy"));
    private final Thread follower;

    private ModelCatalog(KafkaConsumer<String, byte[]> consumer, PredictionReader reader, Optional<String> pinned, ModelTrust trust,
                         Clock clock, Duration accuracyRefresh) {
        this.consumer = consumer;
        this.reader = reader;
        this.pinned = pinned;
        this.clock = clock;
        this.accuracyRefresh = accuracyRefresh;
        this.artifacts = new ModelPublications<>(pinned);
        this.trust = trust;
        this.follower = DaemonThreads.named("model-catalog").newThread(this::follow);
    }

    /**
     * @param client          where the cluster is and how to reach it ({@code GatewayConfig.kafkaClientBase})
     * @param accuracyRefresh how old the live figures may be before a snapshot has them counted again
     */
    public static ModelCatalog start(Properties client, PredictionReader reader, Optional<String> pinned, ModelTrust trust,
                                     Duration accuracyRefresh) {
        Properties p = new Properties();
        p.putAll(client);
        // Assigned, not subscribed: every instance reads the whole topic and commits nothing.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PipelineTopics.MODEL_MAX_BYTES);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-models");
        ModelCatalog catalog = new ModelCatalog(new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer()), reader,
                pinned, trust, Clock.systemUTC(), accuracyRefresh);
        catalog.follower.start();
        return catalog;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.MODELS, Topics.MODEL_ROLES)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (Topics.MODEL_ROLES.equals(record.topic())) {
                        role(record.key(), record.value());
                    } else {
                        offer(record.key(), record.value(), record.offset());
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (RuntimeException e) {
            log.error("model catalog stopped following the models topic: {}", e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void offer(String key, byte[] artifact, long position) {
        if (artifact == null) {
            return; // a tombstone: the classifier keeps a model it knows, and so does the list
        }
        try {
            ModelMetadata metadata = ArtifactFormat.readMetadata(artifact, trust);
            Optional<String> keyProblem = ModelPublications.keyProblem(key, metadata.version());
            if (keyProblem.isPresent()) {
                refuse(key, position, keyProblem.get());
                return;
            }
            if (artifacts.accept(metadata.version(), metadata, position)) {
                log.info("model listed version={} architecture={} validation_accuracy={}", metadata.version(), metadata.architecture(),
                        metadata.validationAccuracy());
            }
        } catch (ModelArtifactException e) {
            refuse(key, position, e.getMessage());
        }
    }

    /** A record of the model-roles topic: the shadow named, or, for one that names no role or version, a warning (the last stays). */
    private void role(String key, byte[] value) {
        try {
            Optional<String> named = ModelRoles.read(key, value);
            if (!named.equals(shadow)) {
                log.info("shadow model named version={}", named.orElse("none"));
            }
            shadow = named;
        } catch (InvalidModelRoleException e) {
            log.warn("model role ignored key={} reason=\"{}\"", key, e.getMessage());
        }
    }

    private void refuse(String key, long position, String reason) {
        ModelPublications.Refusal refusal = artifacts.refuse(key, position, reason);
        log.warn("model refused key={} position={} reason=\"{}\"", refusal.key(), position, refusal.reason());
    }

    public Optional<String> activeVersion() {
        return artifacts.activeVersion();
    }

    /** Every model known from the topic or the tables; reads live accuracy again in the background when the last reading is stale. */
    public Snapshot snapshot() {
        refreshAccuracyIfStale();
        Optional<String> active = activeVersion();
        Map<String, ModelAccuracy> live = accuracy;
        Map<String, PeopleAccuracy> people = peopleAccuracy;
        Map<String, ShadowAccuracy> shadows = shadowAccuracy;
        Optional<String> shadowNamed = shadow;
        TreeSet<String> versions = new TreeSet<>(artifacts.models().keySet());
        versions.addAll(live.keySet());
        active.ifPresent(versions::add);
        shadowNamed.ifPresent(versions::add);
        List<Entry> entries = versions.stream()
                .map(version -> new Entry(version, artifacts.get(version), Optional.ofNullable(live.get(version)),
                        Optional.ofNullable(people.get(version)), active.map(version::equals).orElse(false),
                        shadowNamed.map(version::equals).orElse(false), Optional.ofNullable(shadows.get(version))
                                .filter(a -> a.predictions() > 0)))
                .sorted(Comparator.comparing((Entry e) -> e.metadata().map(ModelMetadata::createdAt).orElse(Instant.EPOCH)).reversed())
                .toList();
        return new Snapshot(active, pinned.isPresent(), shadowNamed, entries, accuracyAt, artifacts.refusals());
    }

    private void refreshAccuracyIfStale() {
        boolean stale = accuracyAt.map(at -> at.plus(accuracyRefresh).isBefore(clock.instant())).orElse(true);
        if (stale && counting.compareAndSet(false, true)) {
            counter.execute(() -> {
                try {
                    long started = System.nanoTime();
                    TreeSet<String> versions = new TreeSet<>(reader.models());
                    versions.addAll(artifacts.models().keySet());
                    Map<String, ModelAccuracy> counted = new ConcurrentHashMap<>();
                    Map<String, PeopleAccuracy> labelled = new ConcurrentHashMap<>();
                    Map<String, ShadowAccuracy> shadowed = new ConcurrentHashMap<>();
                    for (String version : versions) {
                        counted.put(version, reader.accuracy(version)); // running counts: one small partition per model
                        labelled.put(version, reader.peopleAccuracy(version, RECENT_MISTAKES)); // a row per image people labelled
                        shadowed.put(version, reader.shadowAccuracy(version)); // running counts too, kept after a promotion
                    }
                    accuracy = Map.copyOf(counted);
                    peopleAccuracy = Map.copyOf(labelled);
                    shadowAccuracy = Map.copyOf(shadowed);
                    accuracyAt = Optional.of(clock.instant());
                    log.debug("live accuracy counted models={} ms={}", versions.size(), (System.nanoTime() - started) / 1_000_000);
                } catch (RuntimeException e) {
                    log.warn("live accuracy not counted: {}", e.getMessage());
                } finally {
                    counting.set(false);
                }
            });
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        counter.shutdownNow();
        try {
            follower.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
