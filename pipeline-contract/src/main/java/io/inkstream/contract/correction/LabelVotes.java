package io.inkstream.contract.correction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * People's labels of one image, one voice per labeller, and what they make of it: the one rule by which the sink labels an
 * image and training takes it. Anyone who may call the API may label, so no one voice overrules the others: an image is what
 * most of its labellers say it is ({@link #verdict}), and a labeller who disagrees with the rest can at most make the image
 * contested, never relabel it. Of labels with as many voices the one given first stands: with the latest, anyone could
 * relabel every image one person labelled by labelling it after them. A labeller's vote is its latest correction, so a label
 * it gives again counts as given then: that is all the compacted topic keeps, and a reader after compaction decides the same.
 * The corrections that name no labeller (made before labellers were named, or by a producer of the operator's own) are one
 * voice together. Immutable, with its verdict worked out once, when the votes are made (the sink asks for it once per
 * prediction of a labelled image); an image has few votes (people label it once or twice), kept in a list, and at most
 * {@link #MAX_VOICES} labellers of an image count.
 */
public final class LabelVotes {
    /**
     * The most labellers whose votes on one image count: the first to vote, in the topic's order. People label an image once
     * or twice; without a bound, a client with many addresses (an IPv6 /48 is 65,536 labellers) labelling one image from each
     * would make every vote on it cost the sink and training time and memory in proportion to all of them. Bounding it takes
     * nothing from anyone: whoever fills an image's voices outvotes its labellers anyway.
     */
    public static final int MAX_VOICES = 32;

    /**
     * One labeller's latest label of the image.
     *
     * @param labeller the labeller's pseudonym, or null for the corrections that name none
     * @param at       when the correction was made
     * @param position the correction's offset on the image's partition of the corrections topic ({@link CorrectionKeys}): which
     *                 of two corrections is the later
     */
    public record Vote(String labeller, int label, Instant at, long position) {
    }

    /**
     * What the votes make of the image.
     *
     * @param label      the label most labellers give; of labels with as many, the one given first (by the first of its votes
     *                   that stand)
     * @param contested  whether another label has as many labellers: training leaves such an image out
     * @param tally      how many labellers give each label given, by label: what shows people where they disagree
     * @param labeller   the first of them to give it (null for the corrections naming none), whose share of training it counts
     *                   against
     * @param labelledAt when the latest of them gave it
     * @param position   the latest position of any vote: the verdict changes only with a later correction, so this orders the
     *                   verdicts of one image (the write time of the rows the sink makes of it)
     */
    public record Verdict(int label, boolean contested, SortedMap<Integer, Integer> tally, String labeller, Instant labelledAt,
                          long position) {
        public Verdict {
            tally = Collections.unmodifiableSortedMap(new TreeMap<>(tally));
        }

        /** How many labellers give the label. */
        public int voices() {
            return tally.get(label);
        }
    }

    private static final LabelVotes NONE = new LabelVotes(List.of());

    private final List<Vote> votes;
    private final Optional<Verdict> verdict;

    private LabelVotes(List<Vote> votes) {
        this.votes = votes;
        this.verdict = decide(votes);
    }

    /** No votes: an image nobody labelled. */
    public static LabelVotes none() {
        return NONE;
    }

    /**
     * These votes with {@code vote}: it replaces its labeller's vote if it is later, and is ignored if it is earlier, or if it
     * is a new labeller's and {@link #MAX_VOICES} labellers have voted.
     */
    public LabelVotes with(Vote vote) {
        List<Vote> next = new ArrayList<>(votes.size() + 1);
        boolean placed = false;
        for (Vote known : votes) {
            if (Objects.equals(known.labeller(), vote.labeller())) {
                if (vote.position() < known.position()) {
                    return this;
                }
                next.add(vote);
                placed = true;
            } else {
                next.add(known);
            }
        }
        if (!placed) {
            if (votes.size() >= MAX_VOICES) {
                return this;
            }
            next.add(vote);
        }
        return new LabelVotes(List.copyOf(next));
    }

    /** These votes but those of the {@code excluded} labellers. */
    public LabelVotes without(Set<String> excluded) {
        List<Vote> kept = votes.stream().filter(vote -> vote.labeller() == null || !excluded.contains(vote.labeller())).toList();
        return kept.size() == votes.size() ? this : new LabelVotes(kept);
    }

    /** What the votes make of the image; empty if there are none. */
    public Optional<Verdict> verdict() {
        return verdict;
    }

    private static Optional<Verdict> decide(List<Vote> votes) {
        if (votes.isEmpty()) {
            return Optional.empty();
        }
        int[] voices = new int[10];
        Vote[] first = new Vote[10];
        Vote[] latest = new Vote[10];
        long position = Long.MIN_VALUE;
        for (Vote vote : votes) {
            int label = vote.label();
            voices[label]++;
            if (first[label] == null || vote.position() < first[label].position()) {
                first[label] = vote;
            }
            if (latest[label] == null || vote.position() > latest[label].position()) {
                latest[label] = vote;
            }
            position = Math.max(position, vote.position());
        }
        int best = -1;
        for (int label = 0; label < 10; label++) {
            if (voices[label] > 0 && (best < 0 || voices[label] > voices[best]
                    || voices[label] == voices[best] && first[label].position() < first[best].position())) {
                best = label;
            }
        }
        boolean contested = false;
        for (int label = 0; label < 10; label++) {
            contested |= label != best && voices[label] == voices[best];
        }
        SortedMap<Integer, Integer> tally = new TreeMap<>();
        for (int label = 0; label < 10; label++) {
            if (voices[label] > 0) {
                tally.put(label, voices[label]);
            }
        }
        return Optional.of(new Verdict(best, contested, tally, first[best].labeller(), latest[best].at(), position));
    }

    /**
     * The named labellers who disagree with the image's other labellers: those whose digit is not the one most of them give,
     * or every one when the image is contested. Nobody disagrees on an image labelled one way. What shows a labeller who
     * relabels others' images: it disagrees on most images it labels, where a careful labeller rarely does.
     */
    public List<String> disagreeing() {
        if (verdict.isEmpty() || verdict.get().tally().size() == 1) { // labelled one way
            return List.of();
        }
        return votes.stream().filter(vote -> vote.labeller() != null)
                .filter(vote -> verdict.get().contested() || vote.label() != verdict.get().label())
                .map(Vote::labeller).toList();
    }

    /** The named labellers who voted. */
    public List<String> labellers() {
        return votes.stream().map(Vote::labeller).filter(Objects::nonNull).toList();
    }

    /** How many labellers voted (the corrections naming none count as one). */
    public int size() {
        return votes.size();
    }
}
