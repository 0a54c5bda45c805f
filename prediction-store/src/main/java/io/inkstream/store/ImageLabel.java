package io.inkstream.store;

import java.time.Instant;

/** An image's true digit as a person gave it (the latest correction), as Cassandra holds it. */
public record ImageLabel(String imageId, int label, String source, Instant labelledAt) {
}
