package io.inkstream.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.sink.SinkConfig;
import io.inkstream.sink.SinkService;
import io.inkstream.store.PredictionSchema;
import io.inkstream.store.PredictionWriter;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sink against its ceiling on the same Cassandra node in one run: the ceiling is a bare loop
 * of the same writes ({@code PredictionWriter}, same bound on writes in flight) with no Kafka at
 * all; the sink consumes the same number of predictions from the topic and commits after writing.
 * Rates count predictions; each one is a row in each table.
 */
public final class SinkBenchmark {
    private final String bootstrap;
    private final InetSocketAddress cassandra;
    private final int predictions;
    private final PrintStream out;

    public SinkBenchmark(String bootstrap, InetSocketAddress cassandra, int predictions, PrintStream out) {
        this.bootstrap = bootstrap;
        this.cassandra = cassandra;
        this.predictions = predictions;
        this.out = out;
    }

    public String run() throws Exception {
        SinkConfig config = SinkConfig.defaults(bootstrap, cassandra).withHttpPort(0).withGroupId("bench-sink-" + UUID.randomUUID());
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(client)) {
            PipelineTopics.ensure(admin, config.partitions(), Optional.empty());
        }
        out.printf(Locale.ROOT, "%d predictions, %d writes in flight, one Cassandra node, %d partitions%n%n", predictions,
                config.maxInFlight(), config.partitions());
        double ceiling;
        try (CqlSession session = CqlSession.builder().addContactPoint(cassandra).withLocalDatacenter(config.localDatacenter()).build()) {
            PredictionSchema.apply(session, config.replication());
            PredictionWriter writer = new PredictionWriter(session);
            bareLoop(writer, "bench-warmup", Math.min(predictions, 20_000), config.maxInFlight());
            ceiling = bareLoop(writer, "bench-ceiling", predictions, config.maxInFlight());
            out.printf(Locale.ROOT, "%-40s %9.0f predictions/s%n", "ceiling: bare executeAsync loop", ceiling);
        }

        double sink;
        try (SinkService service = SinkService.start(config); Admin admin = Admin.create(client)) {
            while (!service.caughtUp(admin)) {
                Thread.sleep(50);
            }
            long started = System.nanoTime();
            produce(client, "bench-sink", predictions);
            while (!service.caughtUp(admin)) {
                Thread.sleep(20);
            }
            sink = predictions / ((System.nanoTime() - started) / 1e9);
            out.printf(Locale.ROOT, "%-40s %9.0f predictions/s%n", "sink: topic -> Cassandra, committed", sink);
        }
        out.println();
        out.printf(Locale.ROOT, "sink / ceiling %.2f   (goal: at least 0.8)%n%n", sink / ceiling);
        String summary = String.format(Locale.ROOT, "sink-bench sink=%.0f ceiling=%.0f", sink, ceiling);
        out.println(summary);
        return summary;
    }

    private static double bareLoop(PredictionWriter writer, String model, int count, int maxInFlight) throws InterruptedException {
        Semaphore inFlight = new Semaphore(maxInFlight);
        List<CompletableFuture<?>> writes = new ArrayList<>(count);
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            writes.add(writer.write(prediction(model, i)).toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        return count / ((System.nanoTime() - started) / 1e9);
    }

    private static void produce(Properties client, String model, int count) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                Prediction p = prediction(model, i);
                producer.send(new ProducerRecord<>(Topics.PREDICTIONS, p.imageId(), PredictionJson.write(p)));
            }
        }
    }

    private static Prediction prediction(String model, int index) {
        int label = index % 10;
        List<Float> probabilities = new ArrayList<>(10);
        for (int d = 0; d < 10; d++) {
            probabilities.add(d == label ? 0.91f : 0.01f);
        }
        Instant now = Instant.now();
        return new Prediction(Prediction.SCHEMA, model + "-img-" + index, model, label, 0.91f, probabilities, label, "bench",
                now.minusMillis(20), now);
    }
}
