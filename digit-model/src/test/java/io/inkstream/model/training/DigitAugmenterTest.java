package io.inkstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Distorted training digits: reproducible, in range, moved where asked, and still the digit they were. */
class DigitAugmenterTest {
    private static LabelledDigits digits;

    @BeforeAll
    static void someValidationDigits() {
        digits = BundledMnist.validation().range(0, 500);
    }

    @Test
    void theSameRandomStreamGivesTheSameDigitAndAnotherGivesAnother() {
        float[] seven = digits.images().imageFloats(0);
        float[] first = DigitAugmenter.STANDARD.augment(seven, new Random(5));
        assertThat(DigitAugmenter.STANDARD.augment(seven, new Random(5))).containsExactly(first);
        assertThat(DigitAugmenter.STANDARD.augment(seven, new Random(6))).isNotEqualTo(first);
        assertThat(first).hasSize(784);
        for (float pixel : first) {
            assertThat(pixel).isBetween(0f, 1f);
        }
    }

    @Test
    void noDistortionLeavesTheDigitAsItWasAndAShiftMovesItsInk() {
        float[] digit = digits.images().imageFloats(3);
        assertThat(DigitAugmenter.NONE.augment(digit, new Random(1))).as("the sampling alone changes nothing")
                .containsExactly(digit);

        DigitAugmenter shiftOnly = new DigitAugmenter(0, 0, 0, 3, 0, 4, 0);
        float[] shifted = shiftOnly.augment(digit, new Random(9));
        double[] before = centreOfMass(digit);
        double[] after = centreOfMass(shifted);
        Random same = new Random(9); // rotation, scale and shear have no range and draw nothing: the shifts come first
        double dx = (same.nextDouble() * 2 - 1) * 3;
        double dy = (same.nextDouble() * 2 - 1) * 3;
        assertThat(after[0] - before[0]).isCloseTo(dx, within(0.5));
        assertThat(after[1] - before[1]).isCloseTo(dy, within(0.5));
    }

    @Test
    void distortedDigitsAreStillReadAsTheirDigitByTheShippedModel() {
        DigitClassifier classifier = ShippedModels.SEED.load().classifier();
        List<float[]> distorted = new ArrayList<>();
        Random random = new Random(2026);
        double inkBefore = 0;
        double inkAfter = 0;
        for (int i = 0; i < digits.size(); i++) {
            float[] digit = digits.images().imageFloats(i);
            float[] changed = DigitAugmenter.STANDARD.augment(digit, random);
            distorted.add(changed);
            inkBefore += sum(digit);
            inkAfter += sum(changed);
        }
        List<DigitPrediction> predictions = classifier.classify(distorted);
        int right = 0;
        for (int i = 0; i < digits.size(); i++) {
            right += predictions.get(i).label() == digits.label(i) ? 1 : 0;
        }
        // The seed model reads 97% of the undistorted ones; distortions it never trained on cost some, not most.
        assertThat(right / (double) digits.size()).as("read right after distortion").isGreaterThan(0.80);
        assertThat(inkAfter / inkBefore).as("ink kept overall").isBetween(0.7, 1.3);
    }

    private static double sum(float[] pixels) {
        double total = 0;
        for (float pixel : pixels) {
            total += pixel;
        }
        return total;
    }

    private static double[] centreOfMass(float[] pixels) {
        double mass = 0;
        double x = 0;
        double y = 0;
        for (int i = 0; i < pixels.length; i++) {
            mass += pixels[i];
            x += pixels[i] * (i % 28);
            y += pixels[i] * (i / 28);
        }
        return new double[] {x / mass, y / mass};
    }
}
