package io.inkstream.store;

import java.time.Instant;

/** An image's true digit as people gave it (what most of its labellers say), as Cassandra holds it. */
public record ImageLabel(String imageId, int label, String source, Instant labelledAt) {
}
