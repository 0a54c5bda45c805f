package io.inkstream.sink;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.contract.correction.LabelledImages;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.ops.DaemonThreads;
import io.inkstream.ops.OpsServer;
import io.inkstream.ops.config.KafkaClientCertificates;
import io.inkstream.ops.kafka.BrokerQuorum;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.PredictionSchema;
import io.inkstream.store.PredictionWriter;
import io.inkstream.store.RingQuorum;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sink: predictions and people's corrections from Kafka into Cassandra, plus health and metrics. */
public final class SinkService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkService.class);
    private static final Duration CORRECTIONS_CATCH_UP = Duration.ofSeconds(60);

    private final CqlSession session;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final PredictionSink sink;
    private final Thread loop;
    private final CorrectionReader corrections;
    private final Thread correctionsLoop;
    private final OpsServer ops;
    private final String groupId;
    private final Admin admin;
    private final KafkaClientMetrics kafkaMeters;

    private SinkService(CqlSession session, KafkaProducer<byte[], byte[]> deadLetters, PredictionSink sink, Thread loop,
                        CorrectionReader corrections, Thread correctionsLoop, OpsServer ops, String groupId, Admin admin,
                        KafkaClientMetrics kafkaMeters) {
        this.corrections = corrections;
        this.correctionsLoop = correctionsLoop;
        this.kafkaMeters = kafkaMeters;
        this.groupId = groupId;
        this.admin = admin;
        this.session = session;
        this.deadLetters = deadLetters;
        this.sink = sink;
        this.loop = loop;
        this.ops = ops;
    }

    public static SinkService start(SinkConfig config) {
        // One admin client: it creates the topics now and answers health's quorum checks for as long as the service runs.
        Admin admin = Admin.create(config.kafkaClientBase());
        PipelineTopics.ensure(admin, config.partitions(), Optional.empty());
        CqlSession session = CassandraSessions.open(config.contactPoints(), config.localDatacenter(), config.cassandraAccess(), "sink-cql");
        PredictionSchema.apply(session, config.replication());

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        CassandraSessions.exportClientCertificateExpiry(session, meters);
        KafkaClientCertificates.export(config.kafkaClientBase(), meters);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(),
                new ByteArrayDeserializer());
        // Kafka's meters are looked for again every 10 s, not every minute: a partition's lag appears soon after its assignment.
        KafkaClientMetrics kafkaMeters = new KafkaClientMetrics(consumer, Tags.empty(), DaemonThreads.scheduler("inkstream-sink-kafka-meters"),
                OpsServer.KAFKA_METER_REFRESH);
        kafkaMeters.bindTo(meters);
        KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(producerProperties(config), new ByteArraySerializer(),
                new ByteArraySerializer());
        PredictionWriter writer = new PredictionWriter(session);
        PredictionReader reader = new PredictionReader(session);
        SinkMetrics metrics = new SinkMetrics(meters);
        LabelledImages labels = new LabelledImages();
        CorrectionReader corrections = new CorrectionReader(new KafkaConsumer<>(correctionsConsumerProperties(config),
                new StringDeserializer(), new ByteArrayDeserializer()), writer, reader, labels, metrics);
        Thread correctionsLoop = new Thread(corrections, "corrections-reader");
        correctionsLoop.start();
        awaitCorrections(corrections);
        PredictionSink sink = new PredictionSink(consumer, deadLetters, writer, RunningTallies.ofPredictions(reader::tally),
                RunningTallies.ofShadows(reader::shadowTally), labels,
                config.maxInFlight(), metrics, config.commit());
        Thread loop = new Thread(sink, "prediction-sink");
        loop.start();
        RingQuorum ring = new RingQuorum(session, config.localDatacenter(), "writes wait and are retried, offsets are not committed");
        BrokerQuorum brokers = new BrokerQuorum(admin, "reading waits; what was written is committed once the cluster is back");
        OpsServer ops = OpsServer.start(config.httpHost(), config.httpPort(), () -> health(ring, brokers, sink, loop, correctionsLoop), meters::scrape);
        log.info("sink started group={} bootstrap={} cassandra={} max_in_flight={} http_port={}", config.groupId(),
                config.bootstrapServers(), config.contactPoints(), config.maxInFlight(), ops.port());
        if (config.commit().unsafe()) {
            log.warn("{}={}: offsets can be committed for rows never written, so predictions are lost; use only to prove a fault test"
                    + " can see a loss", SinkConfig.COMMIT, config.commit());
        }
        return new SinkService(session, deadLetters, sink, loop, corrections, correctionsLoop, ops, config.groupId(), admin, kafkaMeters);
    }

    /**
     * Predictions are written once every correction already on the topic is known, so that none of them goes unlabelled.
     * A reader that cannot catch up in a minute (Cassandra away) does not hold the start: it goes on, and the predictions
     * of images it has not reached yet are labelled when it reaches them.
     */
    private static void awaitCorrections(CorrectionReader corrections) {
        try {
            if (!corrections.awaitCaughtUp(CORRECTIONS_CATCH_UP)) {
                log.warn("corrections not all read after {} s; writing predictions meanwhile", CORRECTIONS_CATCH_UP.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every partition of corrections, from the start, in no group: see {@link CorrectionReader}. */
    static Properties correctionsConsumerProperties(SinkConfig config) {
        Properties p = config.kafkaClientBase();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-sink-corrections");
        return p;
    }

    static Properties consumerProperties(SinkConfig config) {
        Properties p = config.kafkaClientBase();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // Only predictions of committed classifier transactions: aborted ones were never made.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed by the loop, after the rows are written.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        // A killed instance's partitions wait for its session to expire: 6 s (the broker's least by default,
        // group.min.session.timeout.ms) instead of 45 s. Heartbeats come from a thread of their own, every 2 s, so a
        // long write does not count against it, and three must be missed in a row.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        // Static membership: an instance restarted under its id gets its partitions back without waiting for the dead member.
        config.instanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        p.putAll(config.consumerOverrides());
        return p;
    }

    private static Properties producerProperties(SinkConfig config) {
        Properties p = config.kafkaClientBase();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    /**
     * DOWN while its writes cannot succeed (failing, or a quorum of the ring out of reach: LOCAL_QUORUM writes), the Kafka
     * cluster has no majority (nothing new to read, no offset can be committed), or its corrections reader has stopped.
     */
    private static OpsServer.Health health(RingQuorum ring, BrokerQuorum brokers, PredictionSink sink, Thread loop, Thread corrections) {
        RingQuorum.State quorum = ring.check();
        BrokerQuorum.State kafka = brokers.check();
        boolean polling = loop.isAlive() && Duration.between(sink.lastProgress(), Instant.now()).toSeconds() < 60;
        boolean cassandraUp = quorum.reachable() && !sink.cassandraFailing();
        boolean healthy = polling && cassandraUp && kafka.reachable() && corrections.isAlive();
        String status = healthy ? "UP" : "DOWN";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consumer", polling ? "polling" : "stalled");
        details.put("corrections", corrections.isAlive() ? "reading" : "stopped");
        details.put("cassandra", cassandraUp ? "up" : "failing");
        details.put("ring", quorum.describe());
        details.put("brokers", kafka.describe());
        return new OpsServer.Health(healthy, status, details);
    }

    /** Whether this sink's group has committed the end of every predictions partition: nothing left to write. */
    public boolean caughtUp(Admin admin) throws Exception {
        return lag(admin, groupId) == 0;
    }

    /**
     * Committed predictions a sink group has not committed yet, over every partition: what it has still to write
     * (0 when caught up). Read by anyone with an admin client, so also of a sink running elsewhere.
     */
    public static long lag(Admin admin, String groupId) throws Exception {
        return new GroupLag(admin).of(groupId, Topics.PREDICTIONS);
    }

    public int httpPort() {
        return ops.port();
    }

    /** Finishes the batch in hand (written and committed), then closes the consumer, producer and session. */
    @Override
    public void close() {
        log.info("sink stopping");
        ops.close();
        sink.stop();
        corrections.stop();
        try {
            loop.join(60_000);
            correctionsLoop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadLetters.close(Duration.ofSeconds(10));
        kafkaMeters.close();
        admin.close(Duration.ofSeconds(5));
        session.close();
        log.info("sink stopped");
    }
}
