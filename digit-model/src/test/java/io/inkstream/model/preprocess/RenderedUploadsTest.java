package io.inkstream.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import io.inkstream.mnist.DigitRenderer;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Held-out MNIST digits rendered as people upload digits (dark ink on white, large, with margins,
 * in PNG, JPEG and GIF, with thicker and thinner strokes) are preprocessed and classified by the
 * shipped model: at least 95% must come out right in every variant.
 */
class RenderedUploadsTest {
    private static final int DIGITS = 300;
    private static LabelledDigits digits;
    private static DigitClassifier classifier;
    private final DigitPreprocessor preprocessor = new DigitPreprocessor();

    /**
     * At 150 px a digit's strokes are about 13 px wide: radius 2 makes them about 30% thicker or
     * thinner; at 520 px (strokes about 46 px) radius 8 does the same.
     */
    enum Upload {
        PNG_200_SQUARE(d -> DigitRenderer.png(DigitRenderer.render(d, 200, 200, 150, 25, 25, 0))),
        PNG_1000_BY_700_WITH_MARGINS(d -> DigitRenderer.png(DigitRenderer.render(d, 1000, 700, 520, 310, 120, 0))),
        JPEG_QUALITY_70(d -> DigitRenderer.jpeg(DigitRenderer.render(d, 200, 200, 150, 25, 25, 0), 0.7f)),
        JPEG_QUALITY_70_1000_BY_700(d -> DigitRenderer.jpeg(DigitRenderer.render(d, 1000, 700, 520, 200, 90, 0), 0.7f)),
        GIF_200_SQUARE(d -> DigitRenderer.gif(DigitRenderer.render(d, 200, 200, 150, 25, 25, 0))),
        PNG_THICK_STROKES(d -> DigitRenderer.png(DigitRenderer.render(d, 200, 200, 150, 25, 25, 2))),
        PNG_THIN_STROKES(d -> DigitRenderer.png(DigitRenderer.render(d, 200, 200, 150, 25, 25, -2))),
        JPEG_THICK_STROKES_1000_BY_700(d -> DigitRenderer.jpeg(DigitRenderer.render(d, 1000, 700, 520, 310, 120, 8), 0.7f)),
        GIF_THIN_STROKES_1000_BY_700(d -> DigitRenderer.gif(DigitRenderer.render(d, 1000, 700, 520, 310, 120, -8)));

        final Function<byte[], byte[]> encode;

        Upload(Function<byte[], byte[]> encode) {
            this.encode = encode;
        }
    }

    @BeforeAll
    static void loadDigitsAndModel() {
        digits = BundledMnist.validation().range(0, DIGITS);
        classifier = ShippedModels.SEED.load().classifier();
    }

    @ParameterizedTest
    @EnumSource(Upload.class)
    void shippedModelReadsAtLeast95PercentOfRenderedUploads(Upload upload) throws Exception {
        List<DigitPrediction> predictions = classifier.classify(renderAndPreprocess(upload, DIGITS));
        int correct = 0;
        for (int i = 0; i < DIGITS; i++) {
            if (predictions.get(i).label() == digits.label(i)) {
                correct++;
            }
        }
        double accuracy = (double) correct / DIGITS;
        System.out.printf("%s: %.1f%% of %d%n", upload, 100 * accuracy, DIGITS);
        assertThat(accuracy).as("accuracy on %s", upload).isGreaterThanOrEqualTo(0.95);
    }

    @ParameterizedTest
    @EnumSource(value = Upload.class, names = {"PNG_200_SQUARE", "GIF_200_SQUARE"})
    void aLosslessRenderComesBackCloseToTheOriginalDigit(Upload upload) throws Exception {
        // The original digit was itself cropped, scaled to 20 px and centred by mass: undoing the
        // rendering should land within a small mean difference of it.
        double totalDifference = 0;
        List<float[]> recoveredDigits = renderAndPreprocess(upload, 50);
        for (int i = 0; i < 50; i++) {
            float[] original = digits.images().imageFloats(i);
            float[] recovered = recoveredDigits.get(i);
            for (int p = 0; p < original.length; p++) {
                totalDifference += Math.abs(original[p] - recovered[p]);
            }
        }
        double meanDifference = totalDifference / (50 * 784);
        assertThat(meanDifference).isLessThan(0.08);
    }

    /**
     * The first {@code count} digits rendered, encoded and preprocessed, in order. On both cores:
     * rendering and decoding a 1000 x 700 picture costs a few hundred milliseconds, and each image is
     * independent of the others (the renderer and the preprocessor keep no state).
     */
    private List<float[]> renderAndPreprocess(Upload upload, int count) {
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> {
                    try {
                        return preprocessor.preprocess(upload.encode.apply(digits.images().imageBytes(i))).pixels();
                    } catch (ImageRejectedException e) {
                        throw new AssertionError("digit " + i + " as " + upload + " was refused: " + e.getMessage(), e);
                    }
                })
                .toList();
    }

}
