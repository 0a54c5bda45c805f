package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.contract.correction.LabelVotes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CorrectedImagesTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private static LabelVotes.Vote vote(String labeller, int label) {
        return new LabelVotes.Vote(labeller, label, AT, 0);
    }

    private static CorrectedImages.Voted voted(String imageId, LabelVotes.Vote vote) {
        return new CorrectedImages.Voted(imageId, LabelVotes.none().with(vote), new byte[784]);
    }

    @Test
    void theHeldOutShareIsChosenByImageIdTheSameEveryTimeAndNearTheFractionAsked() {
        long heldOut = IntStream.range(0, 10_000)
                .mapToObj(i -> new CorrectedImages.Corrected(UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString(), 3,
                        null, new byte[784]))
                .filter(c -> c.heldOut(0.2))
                .count();
        assertThat(heldOut).isBetween(1_850L, 2_150L);

        CorrectedImages.Corrected one = new CorrectedImages.Corrected("img-42", 7, "a", new byte[784]);
        assertThat(one.heldOut(0.2)).isEqualTo(new CorrectedImages.Corrected("img-42", 1, "b", new byte[784]).heldOut(0.2));
        assertThat(one.heldOut(0.0)).as("nothing held out").isFalse();
        assertThat(IntStream.range(0, 1000).mapToObj(i -> new CorrectedImages.Corrected("img-" + i, 0, null, new byte[784]))
                .filter(c -> c.heldOut(0.999)).count()).isGreaterThan(990);
    }

    @Test
    void oneLabellerWeighsNoMoreThanTheCapHoweverManyImagesItLabelsAndTheFirstOnTheTopicStay() {
        List<CorrectedImages.Voted> images = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) { // one client labels 5,000 images wrong, among the others' few
            images.add(voted("vandal-" + i, vote("9f2c4e6a8b0d1f35", 0)));
            if (i % 100 == 0) {
                images.add(voted("honest-" + i, vote("person-" + i / 100, 7)));
            }
        }
        images.add(voted("unnamed-1", vote(null, 3)));
        images.add(voted("unnamed-2", vote(null, 3)));

        CorrectedImages.Capped capped = CorrectedImages.capped(images, 500, Set.of());
        assertThat(capped.kept().stream().filter(c -> "9f2c4e6a8b0d1f35".equals(c.labeller())).map(CorrectedImages.Corrected::imageId))
                .as("the first 500 of its images on the topic").hasSize(500).startsWith("vandal-0", "vandal-1").endsWith("vandal-499");
        assertThat(capped.kept().stream().filter(c -> c.imageId().startsWith("honest-"))).hasSize(50);
        assertThat(capped.kept().stream().filter(c -> c.labeller() == null)).as("naming no one: not capped").hasSize(2);
        assertThat(capped).extracting(CorrectedImages.Capped::labellers, CorrectedImages.Capped::unnamed, CorrectedImages.Capped::contested,
                CorrectedImages.Capped::leftOut, CorrectedImages.Capped::over, CorrectedImages.Capped::largest,
                CorrectedImages.Capped::largestLabeller, CorrectedImages.Capped::excluded)
                .containsExactly(51, 2, 0, 4_500, 1, 500, "9f2c4e6a8b0d1f35", 0);
        assertThat(capped.kept()).hasSize(552);

        // Named in the report, the operator can leave that labeller out altogether.
        CorrectedImages.Capped without = CorrectedImages.capped(images, 500, Set.of("9f2c4e6a8b0d1f35"));
        assertThat(without.kept()).hasSize(52).noneMatch(c -> c.imageId().startsWith("vandal-"));
        assertThat(without.excluded()).isEqualTo(5_000);
        assertThat(without.largest()).isEqualTo(1);

        // The control: with no cap in effect the one labeller is 5,000 of 5,052.
        CorrectedImages.Capped uncapped = CorrectedImages.capped(images, Integer.MAX_VALUE, Set.of());
        assertThat(uncapped.kept()).hasSize(images.size());
        assertThat(uncapped.largest()).isEqualTo(5_000);
        assertThat(uncapped.leftOut()).isZero();
    }

    /**
     * A vandal relabels everyone's images: where two people agree the image keeps their label, where one person labelled it the
     * image is contested and left out, never trained on with the vandal's digit. Excluded, the vandal's votes count for nothing
     * and the images it contested come back.
     */
    @Test
    void aLabellerWhoDisagreesWithEveryoneCanKeepAnImageOutButNeverPutItsLabelIn() {
        List<CorrectedImages.Voted> images = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            LabelVotes votes = LabelVotes.none().with(new LabelVotes.Vote("person-" + i, 7, AT, 2L * i));
            if (i < 40) {
                votes = votes.with(new LabelVotes.Vote("second-" + i, 7, AT, 2L * i + 1));
            }
            images.add(new CorrectedImages.Voted("img-" + i, votes.with(new LabelVotes.Vote("vandal", 0, AT, 1_000L + i)), new byte[784]));
        }
        CorrectedImages.Capped capped = CorrectedImages.capped(images, 200, Set.of());
        assertThat(capped.kept()).hasSize(40).allMatch(c -> c.label() == 7).allMatch(c -> c.labeller().startsWith("person-"));
        assertThat(capped.contested()).isEqualTo(60);
        assertThat(capped.labellers()).as("the vandal is first to give no kept image's label").isEqualTo(40);
        assertThat(capped.dissent()).as("named, so that the operator can exclude it")
                .isEqualTo(new CorrectedImages.Dissent("vandal", 100, 100));

        CorrectedImages.Capped without = CorrectedImages.capped(images, 200, Set.of("vandal"));
        assertThat(without.kept()).hasSize(100).allMatch(c -> c.label() == 7);
        assertThat(without.contested()).isZero();
        assertThat(without.excluded()).as("no image only the vandal labelled").isZero();
        assertThat(without.dissent()).isNull();
    }

    @Test
    void theCapIsAppliedBeforeTheHeldOutShareSoImagesBeyondItJudgeNothing() {
        List<CorrectedImages.Voted> images = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            images.add(voted("img-" + i, vote("one", 1)));
        }
        CorrectionsReport report = new CorrectionsReport(new CorrectedImages.Found(images, 1_000, 0, 0, 0), 0.2, 100, Set.of());
        assertThat(report.trainedOn().size()).as("trained on").isBetween(60, 95);
        assertThat(report.found()).contains("labellers: 1 named, 0 images naming none; 0 contested (as many labellers give another "
                + "digit: left out); the most one gives is 100 of the 100 images kept (100%, labeller one); 900 left out beyond "
                + "--corrections-per-labeller 100 (labellers over it: 1); 0 of excluded labellers only; no labeller disagrees with "
                + "another");
        assertThat(report.found()).contains("(" + report.trainedOn().size() + " trained on, " + (100 - report.trainedOn().size()) + " held out)");
    }
}
