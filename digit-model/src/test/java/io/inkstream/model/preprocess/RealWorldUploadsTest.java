package io.inkstream.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.mnist.RealWorldRenders;
import io.inkstream.mnist.RealWorldRenders.Condition;
import io.inkstream.mnist.RealWorldRenders.Render;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The renders {@code inkstream evaluate --real-world} measures models on, and the preprocessing on
 * them: each condition must stay readable by the weakest shipped model (the seed's), so a change to
 * the preprocessing that loses a condition fails here, per condition.
 */
class RealWorldUploadsTest {
    private static final int DIGITS = 60;
    private static LabelledDigits digits;
    private static DigitClassifier seedModel;
    private static DigitClassifier defaultModel;
    private final DigitPreprocessor preprocessor = new DigitPreprocessor();

    @BeforeAll
    static void loadDigitsAndModel() {
        digits = BundledMnist.validation().range(0, DIGITS);
        seedModel = ShippedModels.SEED.load().classifier();
        defaultModel = ShippedModels.DEFAULT.load().classifier();
    }

    @ParameterizedTest
    @EnumSource(Condition.class)
    void theSameSeedDrawsTheSamePictureAndAnotherSeedAnother(Condition condition) {
        byte[] digit = digits.images().imageBytes(0);
        assertThat(RealWorldRenders.render(digit, condition, 7).bytes()).isEqualTo(RealWorldRenders.render(digit, condition, 7).bytes());
        assertThat(RealWorldRenders.render(digit, condition, 8).bytes()).isNotEqualTo(RealWorldRenders.render(digit, condition, 7).bytes());
    }

    @ParameterizedTest
    @EnumSource(Condition.class)
    void everyRenderIsAnUploadThePipelineTakes(Condition condition) throws IOException {
        for (int i = 0; i < 12; i++) {
            Render render = RealWorldRenders.render(digits.images().imageBytes(i), condition, i);
            assertThat(condition.formats()).contains(render.format());
            assertThat(render.bytes().length).as("%s render %d", condition, i).isLessThanOrEqualTo(1 << 20);
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(render.bytes()));
            assertThat(decoded).as("%s render %d decodes", condition, i).isNotNull();
            assertThat(new int[] {decoded.getWidth(), decoded.getHeight()}).containsExactly(render.width(), render.height());
            if (condition == Condition.PHONE_PHOTO || condition == Condition.PHONE_PHOTO_TURNED) {
                assertThat(Math.max(render.width(), render.height())).isGreaterThanOrEqualTo(1200);
            }
        }
    }

    /**
     * The condition the preprocessing reads worse than the rest (docs/model.md, "Glare"): held a few points under where
     * it stands, seed and default (42 and 50 of the 60; 34 and 39 before {@code Glare}, under these floors), so that it
     * does not slip back while the rest of it waits.
     */
    private static final Map<Condition, double[]> KNOWN_WEAKNESSES = Map.of(Condition.GLARE, new double[] {0.65, 0.8});

    /**
     * The floors sit a few points under what the models read on these 60 digits (56-60 for the seed,
     * 57-60 for the default, glare aside; the 300 of docs/model.md are harder): the seed's is the floor of the
     * preprocessing with the weaker network, the default's what people get.
     */
    @ParameterizedTest
    @EnumSource(Condition.class)
    void theShippedModelsReadEveryConditionThroughThePreprocessing(Condition condition) {
        List<float[]> inputs = IntStream.range(0, DIGITS).parallel()
                .mapToObj(i -> {
                    try {
                        return preprocessor.preprocess(RealWorldRenders.render(digits.images().imageBytes(i), condition, 1000 + i).bytes())
                                .pixels();
                    } catch (ImageRejectedException e) {
                        throw new AssertionError(condition + " render " + i + " was refused: " + e.getMessage(), e);
                    }
                })
                .toList();
        long seed = correct(seedModel.classify(inputs));
        long best = correct(defaultModel.classify(inputs));
        System.out.printf("%s: seed %d, default %d of %d%n", condition.id(), seed, best, DIGITS);
        double[] floors = KNOWN_WEAKNESSES.getOrDefault(condition, new double[] {0.9, 0.95});
        assertThat((double) seed / DIGITS).as("seed model on %s", condition).isGreaterThanOrEqualTo(floors[0]);
        assertThat((double) best / DIGITS).as("default model on %s", condition).isGreaterThanOrEqualTo(floors[1]);
    }

    private static long correct(List<DigitPrediction> predictions) {
        return IntStream.range(0, DIGITS).filter(i -> predictions.get(i).label() == digits.label(i)).count();
    }

    /**
     * The control: these two conditions are hard for the reason the preprocessing handles. Read the
     * way it did before, with one paper level for the whole picture (the border's median, light
     * paper when above mid-gray) and ink where a pixel is darker by more than 36% of the contrast
     * (its noise floor and its bounding-box threshold together): under uneven light the border is
     * as often darker than mid-gray (the page is taken for a board, the ink for paper) or the shadow
     * reads as ink, more of the picture than a digit's strokes ever are (an eighth); on ruled paper
     * the ruling is ink, its box as wide or as tall as the page.
     */
    @Test
    void oneLevelForTheWholePictureTakesTheShadowOrTheRulingForInk() throws IOException {
        int misread = 0;
        int rulingAsInk = 0;
        for (int i = 0; i < 20; i++) {
            GlobalInk shadowed = globalInk(render(Condition.UNEVEN_LIGHT, i));
            if (shadowed.paper() < 127.5 || shadowed.share() >= 0.125) {
                misread++;
            }
            if (globalInk(render(Condition.RULED_PAPER, i)).spans()) {
                rulingAsInk++;
            }
        }
        assertThat(misread).as("uneven light: renders taken for a board, or an eighth of them and more for ink").isGreaterThanOrEqualTo(6);
        assertThat(rulingAsInk).as("ruled paper: renders whose ink box spans the page").isGreaterThanOrEqualTo(15);
        // And clean renders do neither.
        for (int i = 0; i < 20; i++) {
            GlobalInk clean = globalInk(render(Condition.CLEAN, i));
            assertThat(clean.paper()).isGreaterThan(127.5f);
            assertThat(clean.share()).isLessThan(0.125);
            assertThat(clean.spans()).isFalse();
        }
    }

    private BufferedImage render(Condition condition, int i) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(RealWorldRenders.render(digits.images().imageBytes(i), condition, 2000 + i).bytes()));
    }

    /** What the old rule read: the paper's level, the share of the picture that is ink, whether the ink's box spans 90% of a side. */
    private record GlobalInk(float paper, double share, boolean spans) {
    }

    private static GlobalInk globalInk(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] gray = new float[width * height];
        if (image.getRaster().getNumBands() == 1) {
            // As the preprocessing does: getRGB would pass gray levels through the sRGB curve.
            int[] samples = image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
            for (int i = 0; i < samples.length; i++) {
                gray[i] = samples[i];
            }
        } else {
            int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
            for (int i = 0; i < rgb.length; i++) {
                int p = rgb[i];
                gray[i] = 0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff);
            }
        }
        float[] border = new float[2 * width + 2 * height];
        for (int x = 0; x < width; x++) {
            border[x] = gray[x];
            border[width + x] = gray[(height - 1) * width + x];
        }
        for (int y = 0; y < height; y++) {
            border[2 * width + y] = gray[y * width];
            border[2 * width + height + y] = gray[y * width + width - 1];
        }
        Arrays.sort(border);
        float paper = border[border.length / 2];
        float darkest = paper;
        for (float level : gray) {
            darkest = Math.min(darkest, level);
        }
        float inkBelow = paper - 0.3625f * (paper - darkest);
        int inked = 0;
        int minX = width;
        int maxX = -1;
        int minY = height;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (gray[y * width + x] < inkBelow) {
                    inked++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return new GlobalInk(paper, (double) inked / gray.length, maxX - minX + 1 >= 0.9 * width || maxY - minY + 1 >= 0.9 * height);
    }
}
