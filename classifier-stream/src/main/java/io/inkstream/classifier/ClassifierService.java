package io.inkstream.classifier;

import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.classifier.errors.ProductionErrors;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.classifier.topology.ClassifierTopology;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.ops.DaemonThreads;
import io.inkstream.ops.OpsServer;
import io.inkstream.ops.config.KafkaClientCertificates;
import io.inkstream.ops.kafka.BrokerQuorum;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The classifier: the topology on Kafka Streams, plus health and metrics. */
public final class ClassifierService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClassifierService.class);

    private final KafkaStreams streams;
    private final OpsServer ops;
    private final ModelRegistry models;
    private final KafkaStreamsMetrics streamsMetrics;
    private final Admin admin;

    private ClassifierService(KafkaStreams streams, OpsServer ops, ModelRegistry models, KafkaStreamsMetrics streamsMetrics, Admin admin) {
        this.streams = streams;
        this.ops = ops;
        this.models = models;
        this.streamsMetrics = streamsMetrics;
        this.admin = admin;
    }

    public static ClassifierService start(ClassifierConfig config) {
        Properties client = config.kafkaClientBase();
        // One admin client: it creates the topics now and answers health's quorum checks for as long as the service runs.
        Admin admin = Admin.create(client);
        PipelineTopics.ensure(admin, config.partitions(), Optional.empty());
        // Kafka Streams creates the buffer's changelog with the limit it asks for, but leaves one made by an older build as it is.
        PipelineTopics.raiseMessageLimits(admin, Map.of(ClassifierTopology.bufferChangelog(config.applicationId()),
                PipelineTopics.IMAGE_COPY_MAX_MESSAGE_BYTES));
        RegisteredModel fallback = shippedModel();
        if (ModelPublisher.publishIfEmpty(client, fallback)) {
            log.info("models topic was empty: published the shipped model version={}", fallback.version());
        }

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        KafkaClientCertificates.export(client, meters);
        ModelRegistry models = new ModelRegistry(config.pinnedModel(), fallback, config.modelTrust());
        FunctionCounter.builder("inkstream_classifier_models_refused", models, ModelRegistry::refusedCount)
                .description("model artifacts on the models topic refused since start (each logged with its reason)").register(meters);
        ClassifierMetrics metrics = new ClassifierMetrics(meters);
        KafkaStreams streams = new KafkaStreams(ClassifierTopology.build(new ClassifierTopology.Settings(config.batch(), models,
                new DigitPreprocessor(config.limits()), metrics, Clock.systemUTC())), streamsProperties(config));
        // A thread that dies on something unexpected is replaced rather than taking the instance down.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed, replacing it error=\"{}\"", e.toString(), e);
            metrics.streamThreadReplaced();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        AtomicBoolean joined = new AtomicBoolean();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                joined.set(true);
            }
            log.info("classifier state={} previous={}", now, before);
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, Tags.empty(),
                DaemonThreads.scheduler("inkstream-classifier-kafka-meters"), OpsServer.KAFKA_METER_REFRESH);
        streamsMetrics.bindTo(meters);
        // Before any transaction is open: the first network a JVM builds loads ND4J's native backend (RegisteredModel.warmUp).
        log.info("model backend loaded version={} ms={}", fallback.version(), fallback.warmUp().toMillis());
        streams.start();

        // Kafka Streams stays RUNNING while the cluster has no majority (its writes are retried): health asks the cluster.
        BrokerQuorum brokers = new BrokerQuorum(admin, "classification waits; what is read is retried, nothing is committed");
        OpsServer ops = OpsServer.start(config.httpHost(), config.httpPort(), () -> health(streams, joined.get(), models, brokers),
                meters::scrape);
        log.info("classifier started application_id={} bootstrap={} guarantee={} batch_max_records={} batch_max_wait_ms={} buffer={} pinned={}"
                        + " models={} http_port={}", config.applicationId(), config.bootstrapServers(), config.guarantee().streamsValue(),
                config.batch().maxRecords(), config.batch().maxWait().toMillis(), config.batch().buffer(), config.pinnedModel().orElse("-"),
                config.modelTrust().describe(), ops.port());
        if (!config.modelTrust().requiresSignature()) {
            log.warn("{}={}: unsigned models are accepted; anyone who can write the models topic decides what classifies",
                    ClassifierConfig.TRUSTED_KEYS, ModelTrust.ANY_SIGNER);
        }
        if (config.batch().buffer() == BatchSettings.Buffer.MEMORY_UNSAFE) {
            log.warn("buffer=MEMORY_UNSAFE: images buffered when this instance dies are lost; use only to measure");
        }
        return new ClassifierService(streams, ops, models, streamsMetrics, admin);
    }

    /** The model shipped in the jar, validated once: the fallback until the models topic gives one. */
    public static RegisteredModel shippedModel() {
        try {
            return RegisteredModel.from(ShippedModels.DEFAULT.bytes());
        } catch (ModelArtifactException e) {
            throw new IllegalStateException("the shipped model is broken: " + e.getMessage(), e);
        }
    }

    /** The Kafka Streams settings of a classifier; reclassify runs use them too. */
    public static Properties streamsProperties(ClassifierConfig config) {
        Properties p = config.kafkaClientBase(); // Kafka Streams hands these to each of its clients
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Wall-clock punctuators fire only between polls: a short poll keeps the batch deadline when input is idle.
        p.put(StreamsConfig.POLL_MS_CONFIG, 10);
        // A task waits (max.task.idle.ms) only to take records from several partitions in time order; each of ours reads one
        // images partition (ClassifierTopologyTest), so there is nothing to wait for. Left on, Kafka Streams formats two
        // strings for every empty partition at every check, logged or not: 5% of the stream thread's samples at 500/s.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Unexpected failures in process() go to the dead-letter topic with the record; the stream goes on.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.IMAGES_DLQ);
        // A record that can never be written is skipped with a log line instead of failing the task forever.
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrors.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // Said again to the main consumer: Kafka Streams 4.3's partition assignor reads its settings from the main
        // consumer's and warns at every start that the global thread's handler is off when they lack this one.
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
        // After a crash, the dead instance's open transaction holds back everything behind it on predictions (the
        // sink reads read_committed) until the broker aborts it: 6 s instead of Streams' 60 s. A transaction lasts
        // one commit interval (100 ms) in normal running, so only a thread stalled for 6 s is fenced, and rejoins.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 6_000);
        // A killed instance's partitions wait for its session to expire: 6 s (the broker's least by default,
        // group.min.session.timeout.ms) instead of 45 s. Heartbeats are sent from a thread of their own, every 2 s,
        // so a long batch does not count against it, and three must be missed in a row.
        // Unprefixed, so that INKSTREAM_KAFKA_STREAMS_SESSION_TIMEOUT_MS replaces it (only the main consumer joins a group).
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        // Static membership: an instance restarted under its id gets its partitions back without waiting
        // for the dead member's session or a rebalance (Streams appends the thread's index).
        config.instanceId().ifPresent(id -> p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        // The images consumer asks the broker to hold each fetch until 64 KiB (about 80 images) or 30 ms: with Kafka's
        // defaults (1 byte) a fetch came back with the one or two images that had arrived, about 110 fetches a second at
        // 500 uploads/s, and the broker's and the stream thread's CPU followed that count, not the images. Measured at
        // 500/s: fetches 179/s -> 55/s, broker and classifier 0.78-0.90 -> 0.51-0.59 ms of CPU an upload, for +15 ms at p50
        // (docs/benchmarks.md). An idle instance fetches every 30 ms instead of every 500.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 30);
        // The images topic holds aborted records (the gateway's search marks: empty, never committed). Exactly-once reads
        // committed anyway; said here so that at_least_once (the crash suite's control) does not classify them either.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // Model artifacts (a few hundred KB each) come through the global consumer.
        p.put(StreamsConfig.globalConsumerPrefix("max.partition.fetch.bytes"), PipelineTopics.MODEL_MAX_BYTES);
        // A dead letter and a buffer changelog record carry the whole image record: the largest must fit in a request.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), PipelineTopics.IMAGE_COPY_MAX_MESSAGE_BYTES);
        p.putAll(config.streamsOverrides());
        return p;
    }

    private static OpsServer.Health health(KafkaStreams streams, boolean joined, ModelRegistry models, BrokerQuorum brokers) {
        KafkaStreams.State state = streams.state();
        BrokerQuorum.State kafka = brokers.check();
        boolean healthy = classifies(state, joined) && kafka.reachable();
        String model = models.current().map(RegisteredModel::version).orElse("none");
        String status = healthy ? "UP" : !joined && state == KafkaStreams.State.REBALANCING ? "STARTING" : "DOWN";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name());
        details.put("model", model);
        // The shadow named, and whether this instance has its artifact yet (it classifies with it only then).
        models.shadowVersion().ifPresent(shadow -> details.put("shadow", models.knownVersions().contains(shadow) ? shadow
                : shadow + " (not published)"));
        details.put("brokers", kafka.describe());
        return new OpsServer.Health(healthy, status, details);
    }

    /**
     * Whether an instance in this state classifies what reaches it: running, or rebalancing after it has run (a rebalance
     * in a running group, which must fail no health check). Not while it first joins its group and restores its buffer:
     * until then it has no partitions, which a readiness probe or a rolling update must not take for a working instance.
     */
    static boolean classifies(KafkaStreams.State state, boolean joined) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING && joined;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public ModelRegistry models() {
        return models;
    }

    public int httpPort() {
        return ops.port();
    }

    /** Commits and leaves the group. Images still buffered stay in the buffer's changelog and are classified after a restart. */
    @Override
    public void close() {
        log.info("classifier stopping");
        ops.close();
        // Leave the group: a restarted or remaining instance takes the partitions at once instead of
        // waiting out the session timeout (45 s) of a member that is gone.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        admin.close(Duration.ofSeconds(5));
        log.info("classifier stopped");
    }
}
