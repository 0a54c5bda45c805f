package io.inkstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PredictionTallyTest {
    private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void countsEachOffsetOnceAndTellsLabelledFromCorrect() {
        PredictionTally tally = PredictionTally.empty("v1", 2)
                .count(10, PredictionStoreIT.prediction("a", "v1", 7, 7, AT))
                .count(11, PredictionStoreIT.prediction("b", "v1", 7, 1, AT))
                .count(14, PredictionStoreIT.prediction("c", "v1", 3, null, AT));
        assertThat(tally).isEqualTo(new PredictionTally("v1", 2, 14, 3, 2, 1));

        // The same records consumed again (a restart from an older committed offset): nothing changes.
        PredictionTally again = tally.count(10, PredictionStoreIT.prediction("a", "v1", 7, 7, AT))
                .count(14, PredictionStoreIT.prediction("c", "v1", 3, null, AT));
        assertThat(again).isSameAs(tally);
        assertThat(again.count(15, PredictionStoreIT.prediction("d", "v1", 3, 3, AT))).isEqualTo(new PredictionTally("v1", 2, 15, 4, 3, 2));
    }

    @Test
    void aShadowTallyCountsAgreementWithTheActiveModelOncePerOffset() {
        ShadowTally tally = ShadowTally.empty("v4", 1)
                .count(3, PredictionStoreIT.prediction("a", "v4", 7, 7, AT), 7) // agrees, right
                .count(4, PredictionStoreIT.prediction("b", "v4", 1, 7, AT), 7) // disagrees, wrong
                .count(6, PredictionStoreIT.prediction("c", "v4", 2, null, AT), null); // the active's answer unknown: not agreeing
        assertThat(tally).isEqualTo(new ShadowTally("v4", 1, 6, 3, 1, 2, 1));
        assertThat(tally.count(4, PredictionStoreIT.prediction("b", "v4", 1, 7, AT), 1)).isSameAs(tally);
    }
}
