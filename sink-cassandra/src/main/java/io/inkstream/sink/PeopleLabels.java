package io.inkstream.sink;

import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.LabelVotes;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * People's labels of every corrected image, each labeller's latest, as this sink instance has read them from the corrections
 * topic, and the label they make of each image ({@link LabelVotes}: what most of its labellers say): what lets it label a
 * prediction of an image corrected before (a reclassify) without a read per prediction. Memory grows with the corrected images
 * and their labellers, about 300 bytes an image labelled once (100,000 corrections: 30 MB); people make them, one at a time.
 * Thread-safe: the corrections reader writes, the write loop reads.
 */
final class PeopleLabels {
    /**
     * @param position the offset on the corrections topic of the image's latest correction: the write time of every row its
     *                 label makes, so that a later label wins in Cassandra whatever the order of the writes
     */
    record Label(int label, Instant labelledAt, long position) {
    }

    private final ConcurrentHashMap<String, LabelVotes> votes = new ConcurrentHashMap<>();

    /** Counts the correction as its labeller's vote on the image, if it is that labeller's latest so far. */
    void offer(Correction correction, long position) {
        LabelVotes.Vote vote = LabelVotes.Vote.of(correction, position);
        votes.compute(correction.imageId(), (image, known) -> (known == null ? LabelVotes.none() : known).with(vote));
    }

    /** The image's label, as its labellers' votes make it; empty if nobody labelled it. */
    Optional<Label> of(String imageId) {
        LabelVotes known = votes.get(imageId);
        return known == null ? Optional.empty()
                : known.verdict().map(verdict -> new Label(verdict.label(), verdict.labelledAt(), verdict.position()));
    }

    int size() {
        return votes.size();
    }
}
