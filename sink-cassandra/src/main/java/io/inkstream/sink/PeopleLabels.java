package io.inkstream.sink;

import io.inkstream.contract.correction.Correction;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest correction of every corrected image, as this sink instance has read them from the corrections topic: what lets
 * it label a prediction of an image corrected before (a reclassify) without a read per prediction. Memory grows with the
 * corrected images, about 150 bytes each (100,000 corrections: 15 MB); people make them, one at a time. Thread-safe: the
 * corrections reader writes, the write loop reads.
 */
final class PeopleLabels {
    /**
     * @param position the correction's offset on its partition of the corrections topic: the write time of every row it makes,
     *                 so that a later correction wins in Cassandra whatever the order of the writes
     */
    record Label(int label, Instant labelledAt, long position) {
    }

    private final ConcurrentHashMap<String, Label> labels = new ConcurrentHashMap<>();

    /** Keeps the correction if it is the image's latest so far. */
    void offer(Correction correction, long position) {
        labels.merge(correction.imageId(), new Label(correction.label(), correction.correctedAt(), position),
                (known, offered) -> offered.position() >= known.position() ? offered : known);
    }

    Optional<Label> of(String imageId) {
        return Optional.ofNullable(labels.get(imageId));
    }

    int size() {
        return labels.size();
    }
}
