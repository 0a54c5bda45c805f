package io.inkstream.contract.correction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LabelledImagesTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static Correction correction(String imageId, int label, String labeller) {
        // A new String each time, as each record read from the topic gives.
        return Correction.byPerson(imageId, label, T0, labeller == null ? null : new String(labeller));
    }

    @Test
    void eachImageIsWhatMostOfItsLabellersSayCountedAsLabelVotesCountsThem() {
        LabelledImages images = new LabelledImages();
        images.offer(correction("image-a", 8, "alice"), 10);
        images.offer(correction("image-a", 8, "bob"), 11);
        images.offer(correction("image-a", 3, "vandal"), 12);
        images.offer(correction("image-b", 5, null), 3);
        images.offer(correction("image-b", 6, null), 2); // read late: an earlier correction naming no one

        assertThat(images.size()).isEqualTo(2);
        assertThat(images.verdict("image-a").orElseThrow()).extracting(LabelVotes.Verdict::label, LabelVotes.Verdict::voices,
                LabelVotes.Verdict::position).containsExactly(8, 2, 12L);
        assertThat(images.verdict("image-b").orElseThrow().label()).isEqualTo(5);
        assertThat(images.votes("image-a").orElseThrow().size()).isEqualTo(3);
        assertThat(images.verdict("image-c")).as("nobody labelled it").isEmpty();
        assertThat(images.votes("image-c")).isEmpty();
    }

    @Test
    void aLabellersPseudonymIsHeldOnceHoweverManyImagesItLabels() {
        LabelledImages images = new LabelledImages();
        for (int i = 0; i < 100; i++) {
            images.offer(correction("image-" + i, i % 10, "6cadf3ddb96be2db"), i);
        }
        String first = images.verdict("image-0").orElseThrow().labeller();
        for (int i = 1; i < 100; i++) {
            assertThat(images.verdict("image-" + i).orElseThrow().labeller()).isSameAs(first);
        }
        // The control: the corrections themselves each hold a pseudonym of their own.
        assertThat(correction("image-0", 0, "6cadf3ddb96be2db").labeller()).isEqualTo(first).isNotSameAs(first);
    }
}
