package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CorrectedImagesTest {

    @Test
    void theHeldOutShareIsChosenByImageIdTheSameEveryTimeAndNearTheFractionAsked() {
        long heldOut = IntStream.range(0, 10_000)
                .mapToObj(i -> new CorrectedImages.Corrected(UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString(), 3,
                        new byte[784]))
                .filter(c -> c.heldOut(0.2))
                .count();
        assertThat(heldOut).isBetween(1_850L, 2_150L);

        CorrectedImages.Corrected one = new CorrectedImages.Corrected("img-42", 7, new byte[784]);
        assertThat(one.heldOut(0.2)).isEqualTo(new CorrectedImages.Corrected("img-42", 1, new byte[784]).heldOut(0.2));
        assertThat(one.heldOut(0.0)).as("nothing held out").isFalse();
        assertThat(IntStream.range(0, 1000).mapToObj(i -> new CorrectedImages.Corrected("img-" + i, 0, new byte[784]))
                .filter(c -> c.heldOut(0.999)).count()).isGreaterThan(990);
    }
}
