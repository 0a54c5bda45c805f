package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.mnist.DigitRenderer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Glare: a reflection over the lower part of a 7's stem, on a dim photo's paper (200 of 255, grain +-4), adds 75% of
 * what each level lacks to white where it is brightest, so the stem there keeps under a quarter of the depth the bar
 * has. Without {@link Glare} the contrast stretch, made for the whole picture, left it at 0.05 of 1 (checked by hand with
 * the call taken out), under the ink box's threshold: a 7 with a gap in its stem.
 */
class GlareTest {
    private static final int WIDTH = 300;
    private static final int HEIGHT = 240;
    private static final int PAPER = 200;
    private static final int INK = 40;
    /** Where the reflection is brightest, on the stem 30 px above its foot at (140, 200), and how much of white it adds there. */
    private static final int GLARE_X = 151;
    private static final int GLARE_Y = 170;
    private static final double GLARE = 0.75;

    @Test
    void aStrokeWashedOutByGlareIsInkAgainAndTheInkBoxReachesItsEnd() throws ImageRejectedException {
        BufferedImage seven = seven(GLARE);
        // The fault: under the reflection the stem keeps a fraction of the depth the bar has, under the noise floor (15%)
        // plus the ink box's threshold (25%) of the rest.
        float[] depth = BelowPaper.shares(seven);
        assertThat(deepestAround(depth, GLARE_X, GLARE_Y)).isLessThan(0.25f * deepestAround(depth, 150, 60));

        InkImage ink = DigitPreprocessor.inkOf(seven, ExifOrientation.AS_STORED);
        // The ink's box (x, y, width, height) still runs to the stem's foot at y = 200 (206 with its round cap).
        int[] box = ink.inkBounds(DigitPreprocessor.BOUNDS_THRESHOLD);
        assertThat(box[1] + box[3]).isBetween(196, 210);
        assertThat(new DigitPreprocessor().preprocess(DigitRenderer.png(seven)).pixels()).hasSize(784);
    }

    @Test
    void aPageLitBrightlyOnOneSideIsLeftAsItIs() {
        // Paper at 250 on the right quarter and 200 elsewhere, as much lighter as glare would make it, but the strokes there
        // as deep as anywhere: light that multiplies, not a reflection that adds. The strokes' envelope says no, also to
        // their anti-aliased edges, at 0.3.
        int width = 80;
        int height = 40;
        float[] paper = new float[width * height];
        float[] depth = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                paper[y * width + x] = x < 60 ? 200 : 250;
                depth[y * width + x] = x % 10 == 0 ? 0.8f : x % 10 == 1 ? 0.3f : 0;
            }
        }
        assertThat(Glare.undo(depth, paper, width, height, 0.8f)).isSameAs(depth);
    }

    @Test
    void faintStrokesOnTheUsualPaperAreLeftAsTheyAre() {
        // Light pencil beside dark ink: the faint strokes' envelope is shallow, but their paper is the usual paper.
        int width = 80;
        int height = 40;
        float[] paper = new float[width * height];
        Arrays.fill(paper, 200);
        float[] depth = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x += 10) {
                depth[y * width + x] = x < width / 2 ? 0.8f : 0.24f;
            }
            depth[y * width + 75] = 0.24f;
        }
        assertThat(Glare.undo(depth, paper, width, height, 0.8f)).isSameAs(depth);
        // The control: the same faint strokes on paper made lighter by a reflection, at 250 from x = 56, are deepened, as
        // deep as the deepest ink (the paper allows 55 / 5 = 11 times, the strokes 0.8 / 0.24 = 3.3).
        for (int y = 0; y < height; y++) {
            for (int x = 56; x < width; x++) {
                paper[y * width + x] = 250;
            }
        }
        float[] undone = Glare.undo(depth, paper, width, height, 0.8f);
        int row = (height / 2) * width;
        assertThat(undone[row + 60]).isCloseTo(0.8f, within(1e-6f));
        assertThat(undone[row + 70]).isCloseTo(0.8f, within(1e-6f));
        assertThat(undone[row + 40]).as("a faint stroke on the usual paper").isEqualTo(0.24f);
        assertThat(undone[row + 20]).isEqualTo(0.8f);
        // Left as it is in the picture's outer tenth (x >= 72), where the paper's estimate is least sure.
        assertThat(undone[row + 75]).isEqualTo(0.24f);
    }

    @Test
    void aBlankWhitePageHasNoRoomForGlare() {
        float[] paper = new float[100];
        Arrays.fill(paper, 255);
        float[] depth = new float[100];
        depth[55] = 0.1f;
        assertThat(Glare.undo(depth, paper, 10, 10, 0.1f)).isSameAs(depth);
    }

    /** A "7", 12 px strokes of {@link #INK} on grainy paper: its bar y 54-66 from x 104, its stem down to (140, 200). */
    private static BufferedImage seven(double glare) {
        BufferedImage picture = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(PAPER, PAPER, PAPER));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(new Color(INK, INK, INK));
        g.setStroke(new BasicStroke(12, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawPolyline(new int[] {110, 190, 140}, new int[] {60, 60, 200}, 3);
        g.dispose();
        SplittableRandom random = new SplittableRandom(23);
        double radius = 40;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double level = picture.getRaster().getSample(x, y, 0) + random.nextDouble(-4, 4);
                double reflected = glare * Math.exp(-(Math.pow(x - GLARE_X, 2) + Math.pow(y - GLARE_Y, 2)) / (2 * radius * radius));
                level += (255 - level) * reflected;
                picture.getRaster().setSample(x, y, 0, (int) Math.round(Math.max(0, Math.min(255, level))));
            }
        }
        return picture;
    }

    /** The deepest pixel within 8 px of (x, y). */
    private static float deepestAround(float[] depth, int x, int y) {
        float deepest = 0;
        for (int dy = -8; dy <= 8; dy++) {
            for (int dx = -8; dx <= 8; dx++) {
                deepest = Math.max(deepest, depth[(y + dy) * WIDTH + x + dx]);
            }
        }
        return deepest;
    }
}
