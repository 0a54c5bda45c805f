package io.inkstream.classifier.reclassify;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.classifier.topology.ClassifierTopology;
import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.ops.kafka.Offsets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclassifies the images topic with one model: the classifier's own topology under its own
 * application id ({@code inkstream-reclassify-<version>[-<run name>]}), pinned to that model, from the
 * beginning or from a timestamp, stopping once it has consumed everything that was on the topic
 * when it started. Running it again resumes from its committed offsets, so a second run of a
 * finished reclassification does nothing, and the predictions stay exactly one per image.
 */
public final class ReclassifyRun {
    private static final Logger log = LoggerFactory.getLogger(ReclassifyRun.class);

    /**
     * @param classifier    the connection and batching settings (its application id is replaced)
     * @param modelVersion  the model to use; it must be on the models topic or be the shipped model
     * @param from          start from this instant instead of the beginning (first run only)
     * @param timeout       give up when not caught up within this time
     * @param runName       distinguishes runs of the same model (their own application ids and progress); empty for the default run
     */
    public record Settings(ClassifierConfig classifier, String modelVersion, Optional<Instant> from, Duration timeout,
                           Optional<String> runName) {
        public Settings(ClassifierConfig classifier, String modelVersion, Optional<Instant> from, Duration timeout) {
            this(classifier, modelVersion, from, timeout, Optional.empty());
        }
    }

    private final Settings settings;

    public ReclassifyRun(Settings settings) {
        this.settings = settings;
    }

    public static String applicationId(String modelVersion, Optional<String> runName) {
        return "inkstream-reclassify-" + modelVersion + runName.map(name -> "-" + name).orElse("");
    }

    public ReclassifySummary run(Consumer<ReclassifyProgress> progress) throws InterruptedException {
        String version = settings.modelVersion();
        String applicationId = applicationId(version, settings.runName());
        ClassifierConfig config = settings.classifier().withApplicationId(applicationId).withPinnedModel(Optional.of(version));
        Properties client = config.kafkaClientBase();

        Map<TopicPartition, Long> start;
        Map<TopicPartition, Long> end;
        RegisteredModel shipped = ClassifierService.shippedModel();
        requireModelPublished(client, version, shipped);
        try (Admin admin = Admin.create(client)) {
            end = Offsets.of(admin, Topics.IMAGES, OffsetSpec.latest());
            Map<TopicPartition, Long> earliest = Offsets.of(admin, Topics.IMAGES, OffsetSpec.earliest());
            Map<TopicPartition, Long> committed = Offsets.committed(admin, applicationId);
            committed.keySet().retainAll(earliest.keySet()); // the images topic's partitions only
            if (!committed.isEmpty()) { // an earlier run: resume where it stopped
                start = earliest.keySet().stream().collect(Collectors.toMap(p -> p, p -> committed.getOrDefault(p, earliest.get(p))));
            } else if (settings.from().isPresent()) {
                Map<TopicPartition, Long> fromTimestamp = Offsets.of(admin, Topics.IMAGES,
                        OffsetSpec.forTimestamp(settings.from().get().toEpochMilli()));
                fromTimestamp.replaceAll((partition, offset) -> offset < 0 ? end.get(partition) : offset); // nothing that late
                Offsets.commit(admin, applicationId, fromTimestamp);
                start = fromTimestamp;
            } else {
                start = earliest;
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the images topic's offsets: " + e.getMessage(), e);
        }
        long total = end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - start.get(e.getKey()))).sum();
        log.info("reclassify starting model={} application_id={} records={} from={}", version, applicationId, total,
                settings.from().map(Instant::toString).orElse("beginning"));

        if (total > 0) {
            process(config, client, shipped, start, end, total, progress);
        }
        progress.accept(new ReclassifyProgress(total, total));
        ReclassifySummary summary = summarise(client, version, total);
        log.info("{}", summary.describe());
        return summary;
    }

    private void process(ClassifierConfig config, Properties client, RegisteredModel shipped, Map<TopicPartition, Long> start,
                         Map<TopicPartition, Long> end, long total, Consumer<ReclassifyProgress> progress) throws InterruptedException {
        ModelRegistry models = new ModelRegistry(Optional.of(settings.modelVersion()), shipped, config.modelTrust());
        Properties streamsProperties = ClassifierService.streamsProperties(config);
        streamsProperties.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A reclassify run is a batch job: commit often so progress (committed offsets) is visible.
        streamsProperties.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        KafkaStreams streams = new KafkaStreams(ClassifierTopology.build(new ClassifierTopology.Settings(config.batch(), models,
                new DigitPreprocessor(config.limits()), new ClassifierMetrics(new SimpleMeterRegistry()), Clock.systemUTC(),
                false)), // a replay classifies with its one model: no shadow
                streamsProperties);
        shipped.warmUp(); // ND4J's native backend loads now, not inside the first transaction
        streams.start();
        try (Admin admin = Admin.create(client)) {
            GroupLag lag = new GroupLag(admin);
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (true) {
                long done = total - lag.remaining(config.applicationId(), start, end);
                progress.accept(new ReclassifyProgress(done, total));
                if (done == total) {
                    break;
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("the reclassify run stopped: Kafka Streams is " + streams.state());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not caught up within " + settings.timeout().toSeconds() + " s: " + done + " of " + total);
                }
                Thread.sleep(500);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot follow the reclassify run's progress: " + e.getMessage(), e);
        } finally {
            // Leave the group: a second run of the same model starts at once instead of waiting out
            // the session timeout (45 s) of this member.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    private static void requireModelPublished(Properties client, String version, RegisteredModel shipped) {
        if (!version.equals(shipped.version()) && ModelPublisher.published(client, version).isEmpty()) {
            throw new IllegalArgumentException("model " + version + " is not on the " + Topics.MODELS + " topic: publish it first");
        }
    }

    /**
     * Reads the committed predictions topic once: this model's answer per image, and the answer of
     * the model that classified each image before it.
     */
    private static ReclassifySummary summarise(Properties client, String version, long processed) {
        Map<String, Prediction> mine = new HashMap<>();
        Map<String, Prediction> previous = new HashMap<>();
        Properties props = consumerProperties(client);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTIONS).stream()
                    .map(p -> new TopicPartition(Topics.PREDICTIONS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < endOffsets.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        Prediction prediction = PredictionJson.read(record.value());
                        if (prediction.modelVersion().equals(version)) {
                            mine.putIfAbsent(prediction.imageId(), prediction);
                        } else if (!mine.containsKey(prediction.imageId())) {
                            previous.put(prediction.imageId(), prediction); // the latest before this model's
                        }
                    } catch (InvalidPredictionException e) {
                        // The sink dead-letters these; they carry no model answer to compare.
                    }
                }
            }
        }
        long compared = 0;
        long agreeing = 0;
        long labelled = 0;
        long correct = 0;
        long previousLabelled = 0;
        long previousCorrect = 0;
        for (Prediction prediction : mine.values()) {
            Prediction before = previous.get(prediction.imageId());
            if (before != null) {
                compared++;
                if (before.label() == prediction.label()) {
                    agreeing++;
                }
            }
            if (prediction.trueLabel() != null) {
                labelled++;
                if (prediction.correct()) {
                    correct++;
                }
                if (before != null) {
                    previousLabelled++;
                    if (before.correct()) {
                        previousCorrect++;
                    }
                }
            }
        }
        return new ReclassifySummary(version, processed, mine.size(), compared, agreeing, labelled, correct, previousLabelled, previousCorrect);
    }

    private static Properties consumerProperties(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "inkstream-reclassify-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        return props;
    }
}
