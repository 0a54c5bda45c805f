package io.inkstream.store;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image's true digit as people gave it (what most of its labellers say), as Cassandra holds it.
 *
 * @param votes     how many labellers give each digit they gave, in the digits' order; empty in rows written before schema 11
 * @param contested whether another digit has as many labellers as {@code label}
 */
public record ImageLabel(String imageId, int label, String source, Instant labelledAt, Map<Integer, Integer> votes, boolean contested) {
    public ImageLabel {
        votes = Collections.unmodifiableSortedMap(new TreeMap<>(votes));
    }
}
