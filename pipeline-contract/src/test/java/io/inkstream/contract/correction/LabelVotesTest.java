package io.inkstream.contract.correction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelVotesTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static LabelVotes.Vote vote(String labeller, int label, long position) {
        return new LabelVotes.Vote(labeller, label, T0.plusSeconds(position), position);
    }

    @Test
    void oneLabellerWhoDisagreesWithTheOthersCannotRelabelTheImage() {
        LabelVotes votes = LabelVotes.none().with(vote("alice", 8, 10)).with(vote("bob", 8, 11)).with(vote("vandal", 3, 12));
        LabelVotes.Verdict verdict = votes.verdict().orElseThrow();
        assertThat(verdict.label()).as("two voices against one, the later").isEqualTo(8);
        assertThat(verdict.contested()).isFalse();
        assertThat(verdict.voices()).isEqualTo(2);
        assertThat(verdict.tally()).as("each label given, with its labellers").containsExactly(entry(3, 1), entry(8, 2));
        assertThat(verdict.labeller()).as("the first to give it").isEqualTo("alice");
        assertThat(verdict.labelledAt()).isEqualTo(T0.plusSeconds(11));
        assertThat(verdict.position()).as("the latest vote of any label").isEqualTo(12);

        // One voice each: the image is contested, and the label given first stands (the control: it is the vandal's when the
        // vandal was first).
        LabelVotes.Verdict tied = LabelVotes.none().with(vote("alice", 8, 10)).with(vote("vandal", 3, 12)).verdict().orElseThrow();
        assertThat(tied.label()).isEqualTo(8);
        assertThat(tied.tally()).containsExactly(entry(3, 1), entry(8, 1));
        assertThat(tied.contested()).isTrue();
        assertThat(LabelVotes.none().with(vote("vandal", 3, 9)).with(vote("alice", 8, 10)).verdict().orElseThrow().label()).isEqualTo(3);
    }

    @Test
    void aLabellersLaterVoteReplacesItsEarlierAndAnEarlierOneArrivingLateIsIgnored() {
        LabelVotes votes = LabelVotes.none().with(vote("alice", 8, 10)).with(vote("alice", 1, 20));
        assertThat(votes.size()).isEqualTo(1);
        assertThat(votes.verdict().orElseThrow().label()).isEqualTo(1);
        assertThat(votes.verdict().orElseThrow().contested()).isFalse();
        assertThat(votes.with(vote("alice", 8, 10)).verdict().orElseThrow().label()).as("read again from the start").isEqualTo(1);

        // However many times one labeller says it, it is one voice.
        LabelVotes insisting = LabelVotes.none().with(vote("alice", 8, 1)).with(vote("bob", 8, 2));
        for (int i = 3; i < 100; i++) {
            insisting = insisting.with(vote("vandal", 3, i));
        }
        assertThat(insisting.verdict().orElseThrow().label()).isEqualTo(8);
    }

    @Test
    void atMostMaxVoicesLabellersOfAnImageCountTheFirstToVote() {
        LabelVotes votes = LabelVotes.none().with(vote("alice", 8, 0));
        long position = 1;
        for (int i = 1; i < LabelVotes.MAX_VOICES; i++) {
            votes = votes.with(vote("address-" + i, i % 2 == 0 ? 8 : 3, position++));
        }
        assertThat(votes.size()).isEqualTo(LabelVotes.MAX_VOICES);
        assertThat(votes.verdict().orElseThrow()).extracting(LabelVotes.Verdict::label, LabelVotes.Verdict::contested).containsExactly(8, true);
        // A hundred thousand more addresses: none counts, and adding each costs no more than the first did.
        for (int i = 0; i < 100_000; i++) {
            votes = votes.with(vote("more-" + i, 3, position++));
        }
        assertThat(votes.size()).isEqualTo(LabelVotes.MAX_VOICES);
        assertThat(votes.verdict().orElseThrow().label()).isEqualTo(8);
        // Those who count may still change their vote: the control, a vote past the bound counts when it is a known labeller's.
        assertThat(votes.with(vote("alice", 3, position)).verdict().orElseThrow()).extracting(LabelVotes.Verdict::label,
                LabelVotes.Verdict::contested).containsExactly(3, false);
    }

    @Test
    void correctionsNamingNoLabellerAreOneVoiceTogether() {
        LabelVotes votes = LabelVotes.none().with(vote(null, 4, 1)).with(vote(null, 5, 2)).with(vote("alice", 4, 3));
        assertThat(votes.size()).isEqualTo(2);
        LabelVotes.Verdict verdict = votes.verdict().orElseThrow();
        assertThat(verdict.label()).as("the unnamed voice now says 5; alice says 4: tied, the first").isEqualTo(5);
        assertThat(verdict.contested()).isTrue();
        assertThat(LabelVotes.none().with(vote(null, 4, 1)).verdict().orElseThrow().labeller()).isNull();
    }

    @Test
    void theLabellersWhoDisagreeAreThoseOutvotedOrEveryoneOnAContestedImage() {
        LabelVotes outvoted = LabelVotes.none().with(vote("alice", 8, 1)).with(vote("bob", 8, 2)).with(vote("vandal", 3, 3));
        assertThat(outvoted.disagreeing()).containsExactly("vandal");
        assertThat(outvoted.labellers()).containsExactlyInAnyOrder("alice", "bob", "vandal");
        LabelVotes tied = LabelVotes.none().with(vote("alice", 8, 1)).with(vote("vandal", 3, 3)).with(vote(null, 5, 4));
        assertThat(tied.disagreeing()).containsExactlyInAnyOrder("alice", "vandal");
        assertThat(LabelVotes.none().with(vote("alice", 8, 1)).with(vote("bob", 8, 2)).disagreeing()).as("all agree").isEmpty();
        assertThat(LabelVotes.none().with(vote("alice", 8, 1)).disagreeing()).isEmpty();
    }

    @Test
    void anExcludedLabellersVotesCountForNothing() {
        LabelVotes votes = LabelVotes.none().with(vote("alice", 8, 10)).with(vote("vandal", 3, 12)).with(vote(null, 8, 13));
        assertThat(votes.without(Set.of("vandal")).verdict().orElseThrow()).extracting(LabelVotes.Verdict::label,
                LabelVotes.Verdict::contested, LabelVotes.Verdict::voices).containsExactly(8, false, 2);
        assertThat(votes.without(Set.of("vandal", "alice")).size()).as("the unnamed voice stays").isEqualTo(1);
        assertThat(LabelVotes.none().with(vote("vandal", 3, 1)).without(Set.of("vandal")).verdict()).isEmpty();
        assertThat(LabelVotes.none().verdict()).isEmpty();
    }
}
