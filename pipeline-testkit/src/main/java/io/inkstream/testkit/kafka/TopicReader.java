package io.inkstream.testkit.kafka;

import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.ops.kafka.TopicScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What tests read back from a cluster's topics, committed records only, keyed as the pipeline keys them. */
public final class TopicReader {
    /** As large as the largest record a pipeline topic accepts (a model artifact, 16 MiB). */
    private static final int LARGEST_RECORD_BYTES = 16 * 1024 * 1024;

    private TopicReader() {
    }

    /**
     * Reads {@code topic} from the beginning ({@code read_committed}) and returns the records whose
     * UTF-8 key matches, once {@code expected} of them arrived or the deadline passed.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster kafka, String topic, Predicate<String> wantedKey, int expected, Duration deadline) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end && found.size() < expected) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && wantedKey.test(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Every committed record of {@code topic} whose UTF-8 key matches, read from the beginning up to
     * the end offsets as they are when called ({@code read_committed}: up to the last stable offset),
     * by the same read the commands use ({@link TopicScan}). For "nothing lost, nothing twice" checks
     * once the writers are idle: it never stops at an expected count, so a duplicate is counted.
     * Fails, with how far it got, when the end is not reached by the deadline.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaCluster kafka, String topic, Predicate<String> wantedKey, Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try {
            TopicScan.readToEnd(kafka.clientProperties(), topic, LARGEST_RECORD_BYTES, deadline, record -> {
                if (record.key() != null && wantedKey.test(new String(record.key(), StandardCharsets.UTF_8))) {
                    found.add(record);
                }
            });
        } catch (IllegalStateException notReadToTheEnd) {
            throw new AssertionError(notReadToTheEnd.getMessage() + "; " + found.size() + " matching records so far", notReadToTheEnd);
        }
        return found;
    }
}
