package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.RejectionReason;
import io.inkstream.mnist.DigitRenderer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Light pencil: strokes 22 levels below textured paper, which the rule of one pixel 40 levels deep read as a blank
 * page. Each picture is paper at 240 with a texture of +-6 and a grain of +-4 levels (as pencil's paper in the
 * real-world evaluation), drawn on with a seeded random, so every run sees the same pixels.
 */
class FaintInkTest {
    private static final int WIDTH = 300;
    private static final int HEIGHT = 240;
    private static final int PAPER = 240;
    /** 22 levels below the paper: with the texture on both, its deepest pixel lies about 36 below the paper's estimate. */
    private static final int FAINT = 218;

    private final DigitPreprocessor preprocessor = new DigitPreprocessor();

    @Test
    void aFaintPencilDigitIsReadThoughNoPixelOfItIsFortyLevelsBelowThePaper() throws ImageRejectedException {
        BufferedImage seven = faintSeven();
        // The control: the old rule (the deepest pixel against the paper's estimate) cannot see this digit.
        assertThat(deepestPixelBelowPaper(seven)).isLessThan(DigitPreprocessor.MIN_CONTRAST);

        InkImage ink = DigitPreprocessor.inkOf(seven, ExifOrientation.AS_STORED);
        // The texture is cleared: the ink's box (x, y, width, height) is the stroke's, x 104-196 and y 54-196 with its
        // round caps, not the page's.
        assertThat(ink.inkBounds(DigitPreprocessor.BOUNDS_THRESHOLD)).satisfies(box -> {
            assertThat(box[0]).isBetween(98, 110);
            assertThat(box[1]).isBetween(48, 60);
            assertThat(box[0] + box[2]).isBetween(190, 202);
            assertThat(box[1] + box[3]).isBetween(190, 202);
        });
        assertThat(preprocessor.preprocess(DigitRenderer.png(seven)).pixels()).hasSize(784);
    }

    @Test
    void withTheTexturesFloorOnlyTheShareOfTheDeepestInkWouldKeepSpecksOfPaperAsInk() {
        BufferedImage seven = faintSeven();
        // The control for the floor above: far from the stroke, paper lies deeper than NOISE_SHARE of the deepest ink
        // plus BOUNDS_THRESHOLD of the rest, so with that floor alone the ink's box would reach the page's corners.
        float[] depths = BelowPaper.levels(seven);
        float deepest = 0;
        for (float d : depths) {
            deepest = Math.max(deepest, d);
        }
        float floorAlone = DigitPreprocessor.NOISE_SHARE * deepest;
        float countedAlone = floorAlone + DigitPreprocessor.BOUNDS_THRESHOLD * (deepest - floorAlone);
        boolean speckNearACorner = false;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                boolean corner = (x < 40 || x >= WIDTH - 40) && (y < 30 || y >= HEIGHT - 30);
                speckNearACorner |= corner && depths[y * WIDTH + x] > countedAlone;
            }
        }
        assertThat(speckNearACorner).isTrue();
    }

    @Test
    void theSamePaperWithoutTheDigitHasNoInk() {
        assertRefusedAsBlank(paper(g -> { }));
    }

    @Test
    void aHotPixelIsNotADrawingButAOnePixelLineIs() throws ImageRejectedException {
        // 50 levels below the paper: a drawing to the old rule of one pixel 40 deep.
        BufferedImage speck = paper(g -> { });
        speck.getRaster().setSample(150, 120, 0, PAPER - 50);
        assertThat(deepestPixelBelowPaper(speck)).isGreaterThan(DigitPreprocessor.MIN_CONTRAST);
        assertRefusedAsBlank(speck);

        BufferedImage line = paper(g -> { });
        for (int y = 60; y < 180; y++) {
            line.getRaster().setSample(150, y, 0, PAPER - 90);
        }
        assertThat(preprocessor.preprocess(DigitRenderer.png(line)).pixels()).hasSize(784);
    }

    @Test
    void faintInkCountsOnlyAwayFromThePicturesEdgeWhereAShadowsEdgeLeavesAsMuch() throws ImageRejectedException {
        // A faint smudge along the top edge, within its outer 5% (12 px of 240): what a shadow meeting the edge leaves.
        // (Its deepest 2 x 2 pixels lie about 33 levels below the paper's estimate: faint, not under the texture's 13.)
        assertRefusedAsBlank(paper(g -> {
            g.setColor(new Color(FAINT, FAINT, FAINT));
            g.fillOval(120, -12, 60, 20);
        }));
        // The control: the same smudge a little further in is faint ink.
        assertThat(preprocessor.preprocess(DigitRenderer.png(paper(g -> {
            g.setColor(new Color(FAINT, FAINT, FAINT));
            g.fillOval(120, 30, 60, 20);
        }))).pixels()).hasSize(784);
        // And dark ink at the edge still counts: a digit may touch the picture's edge.
        assertThat(preprocessor.preprocess(DigitRenderer.png(paper(g -> {
            g.setColor(new Color(120, 120, 120));
            g.fillOval(120, -12, 60, 20);
        }))).pixels()).hasSize(784);
    }

    @Test
    void aPictureOnePixelHighIsMeasuredInBlocksOfOnePixelCountedTwice() {
        assertThatThrownBy(() -> preprocessor.preprocess(DigitRenderer.png(new BufferedImage(50, 1, BufferedImage.TYPE_BYTE_GRAY))))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.NO_INK));
        assertThat(DigitPreprocessor.hasInk(new float[] {0, 0, 100, 100, 0}, 5, 1)).isTrue();
        assertThat(DigitPreprocessor.hasInk(new float[] {0, 0, 30, 30, 0}, 5, 1)).isTrue();
        assertThat(DigitPreprocessor.hasInk(new float[] {0, 0, 20, 20, 0}, 5, 1)).isFalse();
    }

    /** A "7" in light pencil, 12 px strokes: its bar y 54-66 from x 104, its stem down to (140, 190). */
    private static BufferedImage faintSeven() {
        return paper(g -> {
            g.setColor(new Color(FAINT, FAINT, FAINT));
            g.setStroke(new BasicStroke(12, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawPolyline(new int[] {110, 190, 140}, new int[] {60, 60, 190}, 3);
        });
    }

    private void assertRefusedAsBlank(BufferedImage picture) {
        assertThatThrownBy(() -> preprocessor.preprocess(DigitRenderer.png(picture)))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.NO_INK));
    }

    /** Textured, grainy paper with {@code drawing} drawn on it in gray (anti-aliased), the texture over the drawing too. */
    private static BufferedImage paper(Consumer<Graphics2D> drawing) {
        BufferedImage picture = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(PAPER, PAPER, PAPER));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        drawing.accept(g);
        g.dispose();
        SplittableRandom random = new SplittableRandom(19);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double texture = 6 * Math.sin(x / 17.0 + 2 * Math.sin(y / 23.0)) * Math.cos(y / 13.0);
                double grain = random.nextDouble(-4, 4);
                int level = picture.getRaster().getSample(x, y, 0);
                picture.getRaster().setSample(x, y, 0, (int) Math.round(Math.max(0, Math.min(255, level + texture + grain))));
            }
        }
        return picture;
    }

    private static float deepestPixelBelowPaper(BufferedImage picture) {
        float deepest = 0;
        for (float d : BelowPaper.levels(picture)) {
            deepest = Math.max(deepest, d);
        }
        return deepest;
    }
}
