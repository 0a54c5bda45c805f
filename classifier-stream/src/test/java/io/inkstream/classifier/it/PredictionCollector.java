package io.inkstream.classifier.it;

import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.testkit.kafka.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Counts committed predictions per image id and model version, in the background, while a test disturbs the pipeline. */
final class PredictionCollector implements AutoCloseable {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Prediction> latest = new ConcurrentHashMap<>();
    /** The collector's position in each partition of the predictions topic: everything before it has been counted. */
    private final Map<TopicPartition, Long> readTo = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final String prefix;

    PredictionCollector(KafkaCluster kafka, String prefix) {
        this.prefix = prefix;
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "collector-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PREDICTIONS));
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            Prediction prediction = PredictionJson.read(record.value());
                            if (prediction.imageId().startsWith(prefix)) {
                                String key = prediction.imageId() + "@" + prediction.modelVersion();
                                counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                                latest.put(key, prediction);
                            }
                        } catch (InvalidPredictionException e) {
                            counts.computeIfAbsent("invalid", k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    for (TopicPartition partition : consumer.assignment()) {
                        readTo.put(partition, consumer.position(partition));
                    }
                }
            }
        }, "prediction-collector");
        thread.start();
    }

    /**
     * Every committed prediction of an image with {@code prefix}, counted per image and model
     * ({@code image@version}), read to the topic's end offsets: for the final "nothing lost, nothing
     * twice" check once the classifiers are idle, where waiting a fixed time for late duplicates
     * would prove nothing.
     */
    static Map<String, Integer> countToEnd(KafkaCluster kafka, String prefix) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readToEnd(kafka, Topics.PREDICTIONS, key -> key.startsWith(prefix), Duration.ofSeconds(60))) {
            try {
                Prediction prediction = PredictionJson.read(record.value());
                counts.merge(prediction.imageId() + "@" + prediction.modelVersion(), 1, Integer::sum);
            } catch (InvalidPredictionException e) {
                counts.merge("invalid", 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Of {@link #countToEnd} counts, the images one model predicted more than once. */
    static Map<String, Integer> duplicates(Map<String, Integer> counts, String version) {
        Map<String, Integer> duplicates = new TreeMap<>();
        counts.forEach((key, count) -> {
            if (key.endsWith("@" + version) && count > 1) {
                duplicates.put(key, count);
            }
        });
        return duplicates;
    }

    /** Images that one model predicted more than once, among the predictions seen so far: duplicates. */
    Map<String, Integer> duplicates(String version) {
        Map<String, Integer> seen = new TreeMap<>();
        counts.forEach((key, count) -> seen.put(key, count.get()));
        return duplicates(seen, version);
    }

    Set<String> keys() {
        return counts.keySet();
    }

    /** The predictions seen from one model. */
    List<Prediction> byModel(String version) {
        return latest.values().stream().filter(p -> p.modelVersion().equals(version)).toList();
    }

    /** Distinct images predicted by one model. */
    int distinct(String version) {
        return (int) counts.keySet().stream().filter(key -> key.endsWith("@" + version)).count();
    }

    /** Whether a prediction of {@code imageId} by {@code version} has been seen. */
    boolean has(String imageId, String version) {
        return counts.containsKey(imageId + "@" + version);
    }

    /**
     * Polls until this collector has read every partition of the predictions topic up to {@code ends} (as
     * {@code Offsets.of} gives them, read_committed): then it has counted every prediction committed before those
     * ends were read. Fails with how far it had read.
     */
    void awaitReadTo(Map<TopicPartition, Long> ends, Duration deadline) throws InterruptedException {
        BooleanSupplier caughtUp = () -> ends.entrySet().stream().allMatch(end -> readTo.getOrDefault(end.getKey(), 0L) >= end.getValue());
        if (!await(caughtUp, deadline, Duration.ofMillis(10))) { // every 10 ms: the caller acts on what it then sees
            throw new AssertionError("the collector did not read the predictions topic to " + ends + " within " + deadline + "; it read to "
                    + readTo);
        }
    }

    /** Polls until {@code expected} images have a prediction by {@code version} or the deadline passed. */
    boolean awaitDistinct(String version, int expected, Duration deadline) throws InterruptedException {
        return await(() -> distinct(version) >= expected, deadline, Duration.ofMillis(100));
    }

    private static boolean await(BooleanSupplier condition, Duration deadline, Duration every) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(every.toMillis());
        }
        return condition.getAsBoolean();
    }

    String prefix() {
        return prefix;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
