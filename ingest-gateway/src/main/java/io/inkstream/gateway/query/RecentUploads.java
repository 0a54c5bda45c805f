package io.inkstream.gateway.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids this instance published lately: an image it accepted and that has no prediction yet is
 * pending, not unknown. Bounded; an id evicted, or published by another instance or straight onto
 * the topic, is reported unknown until it has a prediction or a failure. Thread-safe.
 */
public final class RecentUploads {
    private final Map<String, Boolean> ids;

    public RecentUploads(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void add(String imageId) {
        ids.put(imageId, Boolean.TRUE);
    }

    public synchronized boolean contains(String imageId) {
        return ids.containsKey(imageId);
    }
}
