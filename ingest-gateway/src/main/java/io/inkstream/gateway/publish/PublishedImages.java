package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.PipelineTopics;
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
 * Which of some image ids are on the images topic since a moment: what {@link TakenOverPublisher} asks, once its marks
 * are acknowledged, about the Idempotency-Keys it took over from requests that died or failed while publishing.
 * Their records may have reached the broker (a gateway killed between the broker's acknowledgement and settling its
 * claim; an acknowledgement lost to a timeout), and publishing them again would classify the images twice.
 *
 * <p>The search is bounded: it reads each partition from the moment the first request claimed the key (its records
 * carry its producer's timestamps, taken on the same machine as the claim) up to the search's mark or the first record
 * stamped after the moment its records can be from, at most {@code maxRecords} records and within
 * {@code budget}; past either it answers {@link Found#complete()} false and the caller decides. It reads
 * {@code read_committed}: an aborted record (a mark among them) is not there for anyone. Thread-safe (one search at a time).
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
        // An aborted record (TakenOverPublisher's marks) is not on the topic for anyone who reads it, the classifier included.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // An image record can be as large as the topic allows.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES);
        // The limit is looked at between polls: a poll must not overshoot it by more than itself.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, maxRecords));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-lookup");
        return new PublishedImages(new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer()), maxRecords);
    }

    /**
     * These partitions only, each from the first record stamped at {@code since} up to (not including) an offset, the
     * search's mark, and not past the first record stamped after {@code until}: where records sent between the two moments
     * are (each moment widened by a second: the same clock, read in the other order).
     */
    public synchronized Found findBefore(Collection<String> ids, Instant since, Instant until, Map<TopicPartition, Long> before,
                                         Duration budget) {
        try {
            return search(ids, since, until, before, budget);
        } catch (KafkaException e) {
            return new Found(Set.of(), false);
        }
    }

    private Found search(Collection<String> ids, Instant since, Instant until, Map<TopicPartition, Long> before, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Set<String> wanted = new HashSet<>(ids);
        Set<String> seen = new HashSet<>();
        List<TopicPartition> partitions = List.copyOf(before.keySet());
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(at(partitions, since.minus(CLOCK_SLACK)), remaining(deadline));
        Map<TopicPartition, OffsetAndTimestamp> past = consumer.offsetsForTimes(at(partitions, until.plus(CLOCK_SLACK)), remaining(deadline));
        Map<TopicPartition, Long> end = new HashMap<>(before);
        past.forEach((partition, first) -> {
            if (first != null) { // null: nothing stamped that late below the last stable offset; read up to the mark
                end.merge(partition, first.offset(), Math::min);
            }
        });
        Map<TopicPartition, Long> lastStable = null;
        Map<TopicPartition, Long> toRead = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = start.get(partition);
            long offset;
            if (first != null) {
                offset = first.offset();
            } else {
                // No committed record that late. Read committed, the lookup stops at the last stable offset: the records of
                // a transaction still open there (another producer's, a dead gateway's marks) and after it, the earlier
                // request's perhaps, are not looked at, so the search reads from there (GatewayApiIT's late record was
                // missed so).
                lastStable = lastStable != null ? lastStable : consumer.endOffsets(partitions, remaining(deadline));
                offset = lastStable.get(partition);
            }
            if (offset < end.get(partition)) {
                toRead.put(partition, offset);
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

    private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, time.toEpochMilli()));
        return times;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
