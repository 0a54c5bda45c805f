package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Which of some image ids are on the images topic since a moment: what a gateway asks before it
 * publishes for an Idempotency-Key whose first request died or failed while publishing. That
 * request's records may have reached the broker (a gateway killed between the broker's
 * acknowledgement and settling its claim; an acknowledgement lost to a timeout), and publishing
 * them again would classify the images twice.
 *
 * <p>The search is bounded: it reads each partition from the moment the first request claimed the
 * key (its records carry its producer's timestamps, taken on the same machine as the claim) to the
 * end offsets at the time of asking ({@link #find}) or to a record of one's own ({@link #findBefore},
 * {@link TakenOverPublisher}), at most {@code maxRecords} records and within {@code budget};
 * past either it answers {@link Found#complete()} false and the caller decides. It is rare: only a
 * request that takes over another's claim asks. It reads {@code read_committed}: an aborted copy is not
 * there for anyone. Thread-safe (one search at a time).
 */
public final class PublishedImages implements AutoCloseable {
    /** A record may be timestamped a little before its claim was written: the same clock, read in the other order. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

    /** @param ids those seen; {@code complete} whether every record since the moment was read, so that the others are not there */
    public record Found(Set<String> ids, boolean complete) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final int maxRecords;

    PublishedImages(KafkaConsumer<String, byte[]> consumer, int maxRecords) {
        this.consumer = consumer;
        this.maxRecords = maxRecords;
    }

    /** @param client where the cluster is and how to reach it ({@code GatewayConfig.kafkaClientBase}) */
    public static PublishedImages create(Properties client, int maxRecords) {
        Properties p = new Properties();
        p.putAll(client);
        // No group: partitions are assigned and read from a time, nothing is committed.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // An aborted copy (TakenOverPublisher's) is not on the topic for anyone who reads it, the classifier included.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // An image record can be as large as the topic allows.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-lookup");
        return new PublishedImages(new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer()), maxRecords);
    }

    /** Every partition, up to its end now (its last stable offset: an open transaction's records are not there yet). */
    public synchronized Found find(Collection<String> ids, Instant since, Duration budget) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IMAGES, budget).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return search(ids, since, consumer.endOffsets(partitions, budget), budget);
        } catch (KafkaException e) {
            // The broker did not answer in time: nothing can be said of what is there.
            return new Found(Set.of(), false);
        }
    }

    /** These partitions only, each up to (not including) an offset: what is before a record of one's own. */
    public synchronized Found findBefore(Collection<String> ids, Instant since, Map<TopicPartition, Long> before, Duration budget) {
        try {
            return search(ids, since, before, budget);
        } catch (KafkaException e) {
            return new Found(Set.of(), false);
        }
    }

    private Found search(Collection<String> ids, Instant since, Map<TopicPartition, Long> end, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Set<String> wanted = new HashSet<>(ids);
        Set<String> seen = new HashSet<>();
        List<TopicPartition> partitions = List.copyOf(end.keySet());
        Map<TopicPartition, Long> from = new HashMap<>();
        partitions.forEach(partition -> from.put(partition, since.minus(CLOCK_SLACK).toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(from, budget);
        Map<TopicPartition, Long> toRead = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = start.get(partition); // null: no record that late
            if (first != null && first.offset() < end.get(partition)) {
                toRead.put(partition, first.offset());
            }
        }
        consumer.assign(toRead.keySet());
        toRead.forEach(consumer::seek);
        int read = 0;
        try {
            while (!toRead.isEmpty() && !seen.containsAll(wanted)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || read >= maxRecords) {
                    return new Found(Set.copyOf(seen), false);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)))) {
                    read++;
                    Long bound = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (record.key() != null && wanted.contains(record.key()) && bound != null && record.offset() < bound) {
                        seen.add(record.key());
                    }
                }
                toRead.keySet().removeIf(partition -> consumer.position(partition) >= end.get(partition));
            }
            return new Found(Set.copyOf(seen), true);
        } finally {
            consumer.assign(List.of());
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
