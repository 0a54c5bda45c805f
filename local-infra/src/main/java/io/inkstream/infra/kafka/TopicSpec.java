package io.inkstream.infra.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** A topic to create: name, partitions and topic-level configs (cleanup policy, retention, ...). */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of());
    }

    public TopicSpec with(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(configs);
        merged.put(key, value);
        return new TopicSpec(name, partitions, merged);
    }

    public TopicSpec compacted() {
        return with("cleanup.policy", "compact");
    }

    /** Keeps records forever: the images topic is the source of truth that replays read. */
    public TopicSpec retainedForever() {
        return with("retention.ms", "-1").with("retention.bytes", "-1");
    }
}
