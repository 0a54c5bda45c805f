package io.inkstream.ops.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind on a topic: over every partition, the committed end under
 * {@code read_committed} ({@link Offsets}) less the group's committed offset (a partition it never
 * committed counts from 0). Zero means everything committed has been consumed and committed by the
 * group: what a sink has not written by then it never will. The one reading of lag for the services,
 * the reclassify runs, the benchmarks and the tests; a topic's partitions are looked up once per instance.
 */
public final class GroupLag {
    private final Admin admin;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();

    public GroupLag(Admin admin) {
        this.admin = admin;
    }

    /** Records of {@code topic} the group has still to consume and commit; 0 when caught up. */
    public long of(String group, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> topicPartitions = partitions.get(topic);
        if (topicPartitions == null) {
            topicPartitions = Offsets.partitionsOf(admin, topic);
            partitions.put(topic, topicPartitions);
        }
        return remaining(group, Map.of(), Offsets.of(admin, topicPartitions, OffsetSpec.latest()));
    }

    /**
     * Records of a fixed stretch the group has still to consume and commit: for each partition, from
     * its committed offset ({@code from}'s, or 0, where it never committed) up to {@code to}'s. 0 once
     * it reached every target, whatever arrived after: what a run over a topic as it was (a
     * reclassification, a benchmark round) waits for.
     */
    public long remaining(String group, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> committed = Offsets.committed(admin, group);
        long remaining = 0;
        for (Map.Entry<TopicPartition, Long> target : to.entrySet()) {
            Long offset = committed.get(target.getKey());
            long position = offset == null ? from.getOrDefault(target.getKey(), 0L) : offset;
            remaining += Math.max(0, target.getValue() - position);
        }
        return remaining;
    }
}
