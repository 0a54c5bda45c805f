package io.inkstream.ops.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a topic's partitions and a consumer group stand, asked and set through an {@link Admin}: the one way the
 * services, the commands, the benchmarks and the tests read a topic's ends and move a group. Ends are read as every
 * consumer of the pipeline reads ({@code read_committed}): the latest offset is the last stable one, so a group set
 * there never skips a transaction still open, and a stretch counted to it counts only what a consumer can see.
 */
public final class Offsets {
    private static final long TIMEOUT_SECONDS = 30;

    private Offsets() {
    }

    /** Every partition of {@code topic}, in partition order. */
    public static List<TopicPartition> partitionsOf(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions()
                .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * Each partition of {@code topic} and its offset at {@code spec}; -1 where there is none (a timestamp after the
     * partition's last record).
     */
    public static Map<TopicPartition, Long> of(Admin admin, String topic, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        return of(admin, partitionsOf(admin, topic), spec);
    }

    /** {@link #of(Admin, String, OffsetSpec)} for partitions already looked up. */
    public static Map<TopicPartition, Long> of(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        var found = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        found.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** The offsets {@code group} has committed, by partition of any topic; empty for a group that never committed. */
    public static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> found = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        found.forEach((partition, offset) -> {
            if (offset != null) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    /**
     * Commits {@code offsets} for {@code group}, as a consumer that had read that far would: where it starts when it
     * next joins. The group must have no member running (the broker refuses to move an active group).
     */
    public static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.alterConsumerGroupOffsets(group, offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())))).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
