package io.inkstream.testkit.kafka;

import io.inkstream.infra.kafka.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What tests read back from a cluster's topics, committed records only, keyed as the pipeline keys them. */
public final class TopicReader {
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
     * the end offsets as they are when called ({@code read_committed}: up to the last stable offset).
     * For "nothing lost, nothing twice" checks once the writers are idle: it never stops at an
     * expected count, so a duplicate is counted. Fails, with how far it got, when the end is not
     * reached by the deadline.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaCluster kafka, String topic, Predicate<String> wantedKey, Duration deadline) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, deadline).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, deadline);
            long end = System.nanoTime() + deadline.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, deadline) < ends.get(tp))) {
                if (System.nanoTime() > end) {
                    Map<TopicPartition, Long> positions = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
                    partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
                    throw new AssertionError("did not read " + topic + " to its end offsets " + ends + " within " + deadline
                            + "; positions " + positions + ", " + found.size() + " matching records so far");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
                            && record.key() != null && wantedKey.test(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }
}
