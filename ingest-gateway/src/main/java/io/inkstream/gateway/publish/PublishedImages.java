package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.PipelineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
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
 * Which of some image ids are on the images topic near some moments: what {@link TakenOverPublisher} asks, once its marks
 * are acknowledged, about the Idempotency-Keys it took over from requests that died or failed while publishing.
 * Their records may have reached the broker (a gateway killed between the broker's acknowledgement and settling its
 * claim; an acknowledgement lost to a timeout), and publishing them again would classify the images twice.
 *
 * <p>The search is bounded: it reads each partition only where records sent soon after each claim are (the moment a
 * request claimed its key, to the latest it can have sent; the records carry their producer's timestamps, taken on the
 * same machine as the claim), and never at or past the search's mark; at most {@code maxRecords} records and within
 * {@code budget}, past either it answers {@link Found#complete()} false and the caller decides. A key claimed an hour
 * apart is read near each claim, not over the hour between. It reads {@code read_committed}: an aborted record (a mark
 * among them) is not there for anyone. Thread-safe (one search at a time).
 */
public final class PublishedImages implements AutoCloseable {
    /** A record may be timestamped a little before its claim was written: the same clock, read in the other order. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

    /** @param ids those seen; {@code complete} whether every record where they can be was read, so that the others are not there */
    public record Found(Set<String> ids, boolean complete) {
    }

    /** Offsets {@code [from, to)} of one partition. */
    private record Range(long from, long to) {
        boolean holds(long offset) {
            return offset >= from && offset < to;
        }
    }

    /** A span of time, both ends included. */
    private record Window(Instant from, Instant to) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final int maxRecords;

    PublishedImages(KafkaConsumer<String, byte[]> consumer, int maxRecords) {
        this.consumer = consumer;
        this.maxRecords = maxRecords;
    }

    /** @param client where the cluster is and how to reach it ({@code GatewayConfig.kafkaClientBase}) */
    public static PublishedImages create(Properties client, int maxRecords) {
        return new PublishedImages(new KafkaConsumer<>(consumerProperties(client, maxRecords), new StringDeserializer(),
                new ByteArrayDeserializer()), maxRecords);
    }

    /** How the search's consumer reads: committed records only, without a group. */
    static Properties consumerProperties(Properties client, int maxRecords) {
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
        return p;
    }

    /**
     * These partitions only, each near every claim (from the first record stamped at the claim to the last stamped
     * {@code sendsWithin} after it, each end widened by a second: the same clock, read in the other order), and only
     * before its mark.
     *
     * @param claims when the requests that may have sent these ids claimed them
     * @param marks  each partition's offset from which nothing need be read: every record before it is settled
     */
    public synchronized Found findBefore(Collection<String> ids, Collection<Instant> claims, Duration sendsWithin,
                                         Map<TopicPartition, Long> marks, Duration budget) {
        try {
            return search(ids, windows(claims, sendsWithin), marks, budget);
        } catch (KafkaException e) {
            return new Found(Set.of(), false);
        }
    }

    /** A window per claim, those that overlap made one, in order. */
    private static List<Window> windows(Collection<Instant> claims, Duration sendsWithin) {
        List<Window> windows = new ArrayList<>();
        for (Instant claim : claims.stream().sorted().toList()) {
            Window window = new Window(claim.minus(CLOCK_SLACK), claim.plus(sendsWithin).plus(CLOCK_SLACK));
            Window last = windows.isEmpty() ? null : windows.get(windows.size() - 1);
            if (last != null && !window.from().isAfter(last.to())) {
                windows.set(windows.size() - 1, new Window(last.from(), window.to()));
            } else {
                windows.add(window);
            }
        }
        return windows;
    }

    private Found search(Collection<String> ids, List<Window> windows, Map<TopicPartition, Long> marks, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Set<String> wanted = new HashSet<>(ids);
        Set<String> seen = new HashSet<>();
        Map<TopicPartition, Deque<Range>> ranges = ranges(windows, marks, deadline);
        consumer.assign(ranges.keySet());
        ranges.forEach((partition, left) -> consumer.seek(partition, left.peek().from()));
        int read = 0;
        try {
            while (!ranges.isEmpty() && !seen.containsAll(wanted)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || read >= maxRecords) {
                    return new Found(Set.copyOf(seen), false);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)))) {
                    read++;
                    Deque<Range> toRead = ranges.get(new TopicPartition(record.topic(), record.partition()));
                    // Any of the partition's ranges: a poll reads on past the gap between two.
                    if (record.key() != null && wanted.contains(record.key()) && toRead != null
                            && toRead.stream().anyMatch(range -> range.holds(record.offset()))) {
                        seen.add(record.key());
                    }
                }
                for (var it = ranges.entrySet().iterator(); it.hasNext(); ) {
                    var entry = it.next();
                    long position = consumer.position(entry.getKey());
                    Deque<Range> toRead = entry.getValue();
                    while (!toRead.isEmpty() && position >= toRead.peek().to()) {
                        toRead.poll();
                    }
                    if (toRead.isEmpty()) {
                        consumer.pause(List.of(entry.getKey())); // done: its later records are not read, nor counted
                        it.remove();
                    } else if (position < toRead.peek().from()) {
                        consumer.seek(entry.getKey(), toRead.peek().from()); // over the gap between two windows
                    }
                }
            }
            return new Found(Set.copyOf(seen), true);
        } finally {
            consumer.assign(List.of());
        }
    }

    /** Per partition, the offsets the windows cover below its mark, in order, those that overlap made one. */
    private Map<TopicPartition, Deque<Range>> ranges(List<Window> windows, Map<TopicPartition, Long> marks, long deadline) {
        List<TopicPartition> partitions = List.copyOf(marks.keySet());
        Map<TopicPartition, List<Range>> found = new HashMap<>();
        // Read before the lookups by time, not after: the last stable offset only grows, so where a lookup finds nothing
        // below its own, every record it did not find lies at or after this one. Read after, a transaction that commits
        // between the two (the earlier request's record among its records) moves it past that record and past the mark,
        // and the search reads nothing (GatewayApiIT's late record was missed so, one run in ten).
        Map<TopicPartition, Long> lastStable = consumer.endOffsets(partitions, remaining(deadline));
        for (Window window : windows) {
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(at(partitions, window.from()), remaining(deadline));
            Map<TopicPartition, OffsetAndTimestamp> past = consumer.offsetsForTimes(at(partitions, window.to()), remaining(deadline));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp first = start.get(partition);
                long from;
                if (first != null) {
                    from = first.offset();
                } else {
                    // No committed record that late. Read committed, the lookup stops at the last stable offset: the records
                    // of a transaction still open there (another producer's, a dead gateway's marks) and after it, the
                    // earlier request's perhaps, are not looked at, so the search reads from there (GatewayApiIT's late
                    // record was missed so).
                    from = lastStable.get(partition);
                }
                OffsetAndTimestamp after = past.get(partition); // null: nothing stamped that late below the last stable offset
                long to = after == null ? marks.get(partition) : Math.min(after.offset(), marks.get(partition));
                if (from < to) {
                    found.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Range(from, to));
                }
            }
        }
        Map<TopicPartition, Deque<Range>> ranges = new HashMap<>();
        found.forEach((partition, list) -> {
            Deque<Range> merged = new ArrayDeque<>();
            for (Range range : list.stream().sorted(Comparator.comparingLong(Range::from)).toList()) {
                Range last = merged.peekLast();
                if (last != null && range.from() <= last.to()) {
                    merged.pollLast();
                    merged.add(new Range(last.from(), Math.max(last.to(), range.to())));
                } else {
                    merged.add(range);
                }
            }
            ranges.put(partition, merged);
        });
        return ranges;
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
