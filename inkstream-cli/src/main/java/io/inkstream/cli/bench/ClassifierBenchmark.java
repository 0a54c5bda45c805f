package io.inkstream.cli.bench;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.classifier.topology.ClassifierTopology;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.DigitImages;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.ops.kafka.Offsets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The classifier on a real broker, three ways over the same images, each under exactly-once with
 * the same Streams settings: (a) a topology that calls the model once per record, as the
 * well-known examples do; (b) Inkstream's micro-batched topology, also (b') with a shadow model
 * classifying every batch a second time; (c) a pass-through topology with no model at all, the
 * Kafka I/O ceiling. Throughput is images divided by the time from the
 * application running to its committed offsets reaching the end of the input.
 */
public final class ClassifierBenchmark {
    private static final String PASSTHROUGH_TOPIC = "bench.passthrough";
    /** Rounds of each fast topology; an odd number, for a median. */
    private static final int ROUNDS = 5;

    private final String bootstrap;
    private final RegisteredModel model;
    private final int images;
    private final Path stateDir;
    private final PrintStream out;

    public ClassifierBenchmark(String bootstrap, RegisteredModel model, int images, Path stateDir, PrintStream out) {
        this.bootstrap = bootstrap;
        this.model = model;
        this.images = images;
        this.stateDir = stateDir;
        this.out = out;
    }

    public String run() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(client)) {
            PipelineTopics.ensure(admin, 6, Optional.empty());
            admin.createTopics(List.of(new NewTopic(PASSTHROUGH_TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long produced = produce(client);
        out.printf(Locale.ROOT, "%d raw MNIST images (784 bytes) on %s, 6 partitions, one stream thread, exactly_once_v2%n%n", produced, Topics.IMAGES);

        ClassifierConfig config = ClassifierConfig.defaults(bootstrap).withStateDir(stateDir);
        RegisteredModel v2 = RegisteredModel.from(ShippedModels.V2.bytes());
        RegisteredModel shadow = model.version().equals(v2.version()) ? RegisteredModel.from(ShippedModels.V3.bytes()) : v2; // another model
        // The batched rounds' own metrics: how long their model calls took, to tell the model's share from the rest.
        SimpleMeterRegistry batchedMeters = new SimpleMeterRegistry();
        measure("warm-up: pass-through", passThrough(), config, client);
        measure("warm-up: micro-batched", batched(model, BatchSettings.Buffer.CHANGELOG, new SimpleMeterRegistry()), config, client);
        out.println();
        // The fast topologies' rounds take a few seconds each, and one round can move by a third with a
        // GC pause, a log roll or the machine's other work. So they run interleaved, one round of each
        // in turn, and each is reported by its median: a slow spell hits all three, and the ratios
        // compare like with like. The per-record one runs long enough to average those out.
        List<Double> passthroughRounds = new ArrayList<>();
        List<Double> batchedRounds = new ArrayList<>();
        List<Double> unsafeRounds = new ArrayList<>();
        List<Double> shadowedRounds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            passthroughRounds.add(measure("pass-through (no model) #" + round, passThrough(), config, client));
            batchedRounds.add(measure("micro-batched (Inkstream) #" + round, batched(model, BatchSettings.Buffer.CHANGELOG, batchedMeters), config,
                    client));
            unsafeRounds.add(measure("micro-batched, memory-only #" + round, batched(model, BatchSettings.Buffer.MEMORY_UNSAFE,
                    new SimpleMeterRegistry()), config, client));
            shadowedRounds.add(measure("micro-batched + shadow #" + round, shadowed(model, shadow), config, client));
        }
        double perRecord = measure("per-record model calls", perRecord(model), config, client);
        out.println();
        double passthrough = median("pass-through (no model)", passthroughRounds);
        out.printf(Locale.ROOT, "%-31s %9.0f images/s  (one round)%n", "per-record model calls", perRecord);
        double batched = median("micro-batched (Inkstream)", batchedRounds);
        double unsafe = median("micro-batched, memory-only", unsafeRounds);
        double shadowed = median("micro-batched + shadow", shadowedRounds);
        out.printf(Locale.ROOT, "%nthe changelogged buffer keeps %.0f%% of the unsafe memory-only buffer's throughput%n", 100 * batched / unsafe);
        out.printf(Locale.ROOT, "a shadow model (%s beside %s, one more batched call) keeps %.0f%% of the throughput%n", shadow.version(),
                model.version(), 100 * shadowed / batched);
        // What the model call alone costs an image in the batched rounds, and so the most the ratios can be with this
        // model: pass-through's work plus that call and nothing else.
        Timer inference = batchedMeters.get("inkstream.classifier.inference").timer();
        double classified = batchedMeters.get("inkstream.classifier.batch.size").summary().totalAmount();
        double modelMicros = inference.totalTime(TimeUnit.MICROSECONDS) / classified;
        double ceiling = 1e6 / (1e6 / passthrough + modelMicros);
        out.printf(Locale.ROOT, "the model call (%s, %.0f images a call on average) takes %.1f µs of a batched image's %.1f (%.0f%%)%n",
                model.version(), classified / inference.count(), modelMicros, 1e6 / batched, 100 * modelMicros * batched / 1e6);
        out.println();
        out.printf(Locale.ROOT, "batched / per-record   %6.1fx   (goal: at least 20x; at most %.1fx with this model)%n", batched / perRecord,
                ceiling / perRecord);
        out.printf(Locale.ROOT, "batched / pass-through %6.2f    (goal: at least 0.7; at most %.2f with this model)%n", batched / passthrough,
                ceiling / passthrough);
        out.println("  (\"at most\": pass-through's work plus the model call and nothing else, this run's figures)");
        String summary = String.format(Locale.ROOT, "classifier-bench batched=%.0f per-record=%.0f passthrough=%.0f shadowed=%.0f model_us=%.1f",
                batched, perRecord, passthrough, shadowed, modelMicros);
        out.println();
        out.println(summary);
        return summary;
    }

    private long produce(Properties client) throws Exception {
        DigitImages digits = BundledMnist.validation().images();
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < images; i++) {
                producer.send(new ProducerRecord<>(Topics.IMAGES, "bench-" + i, digits.imageBytes(i % digits.count())));
            }
            producer.flush();
        }
        try (Admin admin = Admin.create(client)) {
            return Offsets.of(admin, Topics.IMAGES, OffsetSpec.latest()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private double median(String name, List<Double> rounds) {
        List<Double> sorted = rounds.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        out.printf(Locale.ROOT, "%-31s %9.0f images/s  (median of %d, %.0f-%.0f)%n", name, median, sorted.size(), sorted.get(0),
                sorted.get(sorted.size() - 1));
        return median;
    }

    private double measure(String name, Topology topology, ClassifierConfig config, Properties client) throws Exception {
        String applicationId = "bench-" + UUID.randomUUID();
        Properties props = ClassifierService.streamsProperties(config.withApplicationId(applicationId)
                .withStateDir(Files.createDirectories(stateDir.resolve(applicationId))));
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        Map<TopicPartition, Long> end;
        try (Admin admin = Admin.create(client)) {
            end = Offsets.of(admin, Topics.IMAGES, OffsetSpec.latest());
        }
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        try (Admin admin = Admin.create(client)) {
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(10);
            }
            long started = System.nanoTime();
            GroupLag lag = new GroupLag(admin);
            while (lag.remaining(applicationId, Map.of(), end) > 0) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double rate = total / seconds;
            out.printf(Locale.ROOT, "%-31s %9.0f images/s  (%d in %.2f s)%n", name, rate, total, seconds);
            return rate;
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static Topology batched(RegisteredModel model, BatchSettings.Buffer buffer, MeterRegistry meters) {
        BatchSettings defaults = BatchSettings.DEFAULT;
        return ClassifierTopology.build(new ClassifierTopology.Settings(new BatchSettings(defaults.maxRecords(), defaults.maxWait(), buffer),
                new ModelRegistry(Optional.empty(), model), new DigitPreprocessor(), new ClassifierMetrics(meters), Clock.systemUTC()));
    }

    /** The micro-batched topology with {@code shadow} named as the shadow model: each batch classified by both. */
    private static Topology shadowed(RegisteredModel model, RegisteredModel shadow) {
        ModelRegistry registry = new ModelRegistry(Optional.of(model.version()), model); // pinned: the shadow never becomes active
        registry.offer(shadow.version(), shadow.artifact());
        registry.shadow(Optional.of(shadow.version()));
        return ClassifierTopology.build(new ClassifierTopology.Settings(BatchSettings.DEFAULT, registry, new DigitPreprocessor(),
                new ClassifierMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), false)); // the bench names the shadow itself
    }

    private static Topology passThrough() {
        Topology topology = new Topology();
        topology.addSource("images", new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.IMAGES);
        topology.addSink("out", PASSTHROUGH_TOPIC, new ByteArraySerializer(), new ByteArraySerializer(), "images");
        return topology;
    }

    /** The known examples' shape: decode, call the model for this one record, emit. */
    private static Topology perRecord(RegisteredModel model) {
        Topology topology = new Topology();
        topology.addSource("images", new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.IMAGES);
        topology.addProcessor("classify-each", () -> new PerRecordProcessor(model), "images");
        topology.addSink("predictions", Topics.PREDICTIONS, new ByteArraySerializer(), new ByteArraySerializer(), "classify-each");
        return topology;
    }

    private static final class PerRecordProcessor implements Processor<byte[], byte[], byte[], byte[]> {
        private final RegisteredModel model;
        private final DigitPreprocessor preprocessor = new DigitPreprocessor();
        private DigitClassifier classifier;
        private ProcessorContext<byte[], byte[]> context;

        PerRecordProcessor(RegisteredModel model) {
            this.model = model;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.classifier = model.newClassifier();
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            try {
                DigitPrediction p = classifier.classify(preprocessor.preprocess(record.value()).pixels());
                List<Float> probabilities = new ArrayList<>();
                for (float f : p.probabilities()) {
                    probabilities.add(f);
                }
                Prediction prediction = new Prediction(Prediction.SCHEMA, new String(record.key(), StandardCharsets.UTF_8), model.version(),
                        p.label(), p.confidence(), probabilities, null, null, Instant.ofEpochMilli(record.timestamp()), Instant.now());
                context.forward(record.withValue(PredictionJson.write(prediction)));
            } catch (ImageRejectedException e) {
                // the baseline has no dead-letter handling; bench input is always valid
            }
        }
    }
}
