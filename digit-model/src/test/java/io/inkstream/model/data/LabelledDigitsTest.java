package io.inkstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelledDigitsTest {

    @Test
    void aSmallSetFollowsALargeOneAsManyTimesAsItWeighs() {
        LabelledDigits mnist = BundledMnist.validation().range(0, 100);
        LabelledDigits corrected = BundledMnist.validation().range(500, 503);

        LabelledDigits weighted = mnist.followedBy(corrected, 4);

        assertThat(weighted.size()).isEqualTo(100 + 3 * 4);
        assertThat(weighted.range(0, 100).sha256()).isEqualTo(mnist.sha256());
        for (int copy = 0; copy < 4; copy++) {
            LabelledDigits repeat = weighted.range(100 + copy * 3, 100 + (copy + 1) * 3);
            assertThat(repeat.sha256()).as("copy %d", copy).isEqualTo(corrected.sha256());
        }
        assertThat(mnist.followedBy(corrected, 0).sha256()).isEqualTo(mnist.sha256());
    }

    @Test
    void refusesDigitsOfAnotherSize() {
        LabelledDigits small = new LabelledDigits(new DigitImages(new byte[4 * 2], 2, 2, 2), new byte[] {1, 2});
        assertThatThrownBy(() -> BundledMnist.validation().range(0, 10).followedBy(small, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
