package io.inkstream.contract.correction;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * People's votes on every image they labelled, as read from the corrections topic: each labeller's latest label of each image
 * ({@link LabelVotes}), and so the label each image has. What the sink labels predictions by and training reads people's labels
 * into, so that both count a correction the same way. A labeller's pseudonym is held once, however many images it labelled,
 * rather than once per correction. Memory grows with the images labelled and their labellers, about 300 bytes an image labelled
 * once (30 MB for 100,000); people make them, one at a time. Thread-safe: one thread offers the corrections, any thread may
 * look an image up.
 */
public final class LabelledImages {
    private final ConcurrentHashMap<String, LabelVotes> votes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> labellers = new ConcurrentHashMap<>();

    /**
     * Counts the correction as its labeller's vote on the image, if it is that labeller's latest so far.
     *
     * @param position the correction's offset on its partition of the corrections topic, where all of an image's corrections are
     *                 ({@link CorrectionKeys#partition})
     */
    public void offer(Correction correction, long position) {
        String labeller = correction.labeller() == null ? null : labellers.computeIfAbsent(correction.labeller(), named -> named);
        LabelVotes.Vote vote = new LabelVotes.Vote(labeller, correction.label(), correction.correctedAt(), position);
        votes.compute(correction.imageId(), (image, known) -> (known == null ? LabelVotes.none() : known).with(vote));
    }

    /** The image's votes; empty if nobody labelled it. */
    public Optional<LabelVotes> votes(String imageId) {
        return Optional.ofNullable(votes.get(imageId));
    }

    /** The image's label, as its labellers' votes make it; empty if nobody labelled it. */
    public Optional<LabelVotes.Verdict> verdict(String imageId) {
        LabelVotes known = votes.get(imageId);
        return known == null ? Optional.empty() : known.verdict();
    }

    /** How many images are labelled. */
    public int size() {
        return votes.size();
    }
}
