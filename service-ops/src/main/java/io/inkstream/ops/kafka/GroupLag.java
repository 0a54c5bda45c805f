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
 * How far a consumer group is behind on a topic: over every partition, the committed end under
 * {@code read_committed} less the group's committed offset (a partition it never committed counts
 * from 0). Zero means everything committed has been consumed and committed by the group: what a
 * sink has not written by then it never will. The one reading of lag for the services, the
 * reclassify runs, the benchmarks and the tests; a topic's partitions are looked up once per instance.
 */
public final class GroupLag {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();

    public GroupLag(Admin admin) {
        this.admin = admin;
    }

    /** Records of {@code topic} the group has still to consume and commit; 0 when caught up. */
    public long of(String group, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> topicPartitions = partitionsOf(topic);
        Map<TopicPartition, OffsetSpec> latest = topicPartitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return remaining(group, Map.of(), topicPartitions.stream().collect(Collectors.toMap(p -> p, p -> ends.get(p).offset())));
    }

    /**
     * Records of a fixed stretch the group has still to consume and commit: for each partition, from
     * its committed offset ({@code from}'s, or 0, where it never committed) up to {@code to}'s. 0 once
     * it reached every target, whatever arrived after: what a run over a topic as it was (a
     * reclassification, a benchmark round) waits for.
     */
    public long remaining(String group, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        long remaining = 0;
        for (Map.Entry<TopicPartition, Long> target : to.entrySet()) {
            OffsetAndMetadata offset = committed.get(target.getKey());
            long position = offset == null ? from.getOrDefault(target.getKey(), 0L) : offset.offset();
            remaining += Math.max(0, target.getValue() - position);
        }
        return remaining;
    }

    private List<TopicPartition> partitionsOf(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> known = partitions.get(topic);
        if (known == null) {
            known = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions()
                    .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            partitions.put(topic, known);
        }
        return known;
    }
}
