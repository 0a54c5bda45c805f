package io.inkstream.ops.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One read of a whole topic, as a command or a check needs it (not a stream): every partition from its beginning up to its end
 * offsets as they are when the read begins, committed records only, by an assigned consumer (no group, nothing committed,
 * no group ACL needed).
 */
public final class TopicScan {
    private TopicScan() {
    }

    /**
     * Hands each record below the end offsets to {@code each}, partition by partition in offset order. {@code maxFetchBytes} is
     * the largest record the topic allows; fails, with how far it got, if the topic does not exist or its end is not reached
     * within {@code deadline}.
     */
    public static void readToEnd(Properties client, String topic, int maxFetchBytes, Duration deadline,
                                 Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxFetchBytes);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on this cluster");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // The end offset of each partition not read to its end yet; a partition read to it has nothing more below it.
            Map<TopicPartition, Long> left = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            left.values().removeIf(end -> end == 0);
            long stopAt = System.nanoTime() + deadline.toNanos();
            while (!left.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Long end = left.get(new TopicPartition(record.topic(), record.partition()));
                    if (end != null && record.offset() < end) {
                        each.accept(record);
                    }
                }
                // Positions, not offsets seen: a transaction's markers and compacted gaps take offsets no record has.
                left.keySet().removeIf(partition -> consumer.position(partition) >= left.get(partition));
                if (!left.isEmpty() && System.nanoTime() > stopAt) {
                    Map<Integer, String> behind = new TreeMap<>();
                    left.forEach((partition, end) -> behind.put(partition.partition(), consumer.position(partition) + " of " + end));
                    throw new IllegalStateException("the " + topic + " topic was not read to its end within " + deadline
                            + "; partitions behind (position of end): " + behind);
                }
            }
        }
    }
}
