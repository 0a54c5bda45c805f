package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaperBackgroundTest {
    private static final int SIDE = 300;

    /** A ring of ink {@code stroke} px wide on paper of the given level, the ink at {@code ink}. */
    private static float[] ring(float paper, float ink, int stroke) {
        float[] gray = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double r = Math.hypot(x - SIDE / 2.0, y - SIDE / 2.0);
                gray[y * SIDE + x] = Math.abs(r - SIDE * 0.3) < stroke / 2.0 ? ink : paper;
            }
        }
        return gray;
    }

    @Test
    void darkInkOnPaperAndLightInkOnABoardAreToldApart() {
        assertThat(PaperBackground.lightInk(ring(240, 30, 20), SIDE, SIDE)).isFalse();
        assertThat(PaperBackground.lightInk(ring(30, 240, 20), SIDE, SIDE)).isTrue();
    }

    @Test
    void aMarkerThatInksMoreThanHalfOfSomeBlocksIsStillDarkInk() {
        // A stroke 70 px wide: in the blocks it crosses it is most of the pixels, so the blocks alone
        // would call it the background (a 12 x 12 grid of blocks did, on real markers: 82% -> 48%).
        assertThat(PaperBackground.lightInk(ring(240, 30, 70), SIDE, SIDE)).isFalse();
        assertThat(PaperBackground.lightInk(ring(30, 240, 70), SIDE, SIDE)).isTrue();
    }

    @Test
    void aPageInAShadowIsStillPaperWithDarkInk() {
        // Lit from the left at 240 falling to 60: the border's median (150) says neither paper nor board.
        float[] gray = ring(1, 0.2f, 20);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                gray[y * SIDE + x] *= 240 - 180f * x / SIDE;
            }
        }
        assertThat(PaperBackground.lightInk(gray, SIDE, SIDE)).isFalse();
        float[] board = ring(1, 4f, 20);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                board[y * SIDE + x] *= 60 - 20f * x / SIDE + 40f * y / SIDE; // a board between 40 and 100, chalk at four times it
            }
        }
        assertThat(PaperBackground.lightInk(board, SIDE, SIDE)).isTrue();
    }

    @Test
    void aSmallDigitInALargeFrameDecidesItsOwnPolarity() {
        int width = 900;
        int height = 700;
        float[] dark = new float[width * height];
        java.util.Arrays.fill(dark, 235);
        for (int y = 500; y < 560; y++) {
            for (int x = 100; x < 108; x++) {
                dark[y * width + x] = 25; // a "1" 60 px tall in a 900 x 700 frame: under 0.1% of the pixels
            }
        }
        assertThat(PaperBackground.lightInk(dark, width, height)).isFalse();
        float[] light = dark.clone();
        for (int i = 0; i < light.length; i++) {
            light[i] = 255 - light[i];
        }
        assertThat(PaperBackground.lightInk(light, width, height)).isTrue();
    }

    @Test
    void theEstimateFollowsTheLightAcrossThePageAndIgnoresTheStrokes() {
        // Paper lit from the left (240 -> 100), a ring of ink 20 px wide at a third of the paper's level.
        float[] gray = new float[SIDE * SIDE];
        float[] lit = new float[SIDE * SIDE];
        float[] ring = ring(1, 0.3f, 20);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                lit[y * SIDE + x] = 240 - 140f * x / SIDE;
                gray[y * SIDE + x] = lit[y * SIDE + x] * ring[y * SIDE + x];
            }
        }
        float[] paper = PaperBackground.estimate(gray, SIDE, SIDE);
        // Within a closing's radius of the edge the filters see one side only: there the estimate is carried on from the paper
        // inside (where it darkens towards the edge) or is the paper a radius further up the slope (a little lighter, which
        // reads as no ink at all). Inside, it follows the light, but for where a stroke lies a radius up the slope: there the
        // maximum filter finds the paper just beyond it.
        int edge = (int) Math.ceil(PaperBackground.CLOSING_SHARE * SIDE) + 3;
        double worst = 0;
        for (int y = edge; y < SIDE - edge; y++) {
            for (int x = edge; x < SIDE - edge; x++) {
                worst = Math.max(worst, Math.abs(paper[y * SIDE + x] - lit[y * SIDE + x]) / lit[y * SIDE + x]);
            }
        }
        assertThat(worst).as("largest error of the paper's level inside, as a share of it").isLessThan(0.08);
        for (int i = 0; i < gray.length; i++) {
            assertThat(paper[i]).as("the estimate at %d", i).isGreaterThanOrEqualTo(lit[i] * 0.9f);
        }

        // The control: one level for the whole page (the border's median) is off by more than half at its darkest side.
        float[] border = new float[4 * SIDE];
        for (int i = 0; i < SIDE; i++) {
            border[i] = gray[i];
            border[SIDE + i] = gray[(SIDE - 1) * SIDE + i];
            border[2 * SIDE + i] = gray[i * SIDE];
            border[3 * SIDE + i] = gray[i * SIDE + SIDE - 1];
        }
        java.util.Arrays.sort(border);
        float median = border[border.length / 2];
        assertThat(Math.abs(median - lit[SIDE - 1]) / lit[SIDE - 1]).isGreaterThan(0.5f);
    }

    /**
     * Light falling off into a corner, on a page with nothing on it: the closing's windows, cut short at the edges, read the
     * dark corner as a basin of ink and kept the estimate there at the level a radius in, 50 levels lighter than the paper;
     * carried on to the edges, the estimate follows the paper within a few levels everywhere.
     */
    @Test
    void paperThatDarkensIntoACornerIsFollowedToTheEdges() {
        float[] lit = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double towardsCorner = Math.max(0, (x + y) / (2.0 * SIDE) - 0.4) / 0.6;
                lit[y * SIDE + x] = (float) (230 - 150 * towardsCorner * towardsCorner);
            }
        }
        float[] paper = PaperBackground.estimate(lit, SIDE, SIDE);
        assertThat(largestLighterThan(lit, paper)).as("how much lighter than the paper the estimate is, at most").isLessThan(10);
        assertThat(DigitPreprocessor.hasInk(below(lit, paper), SIDE, SIDE)).as("ink on the blank page").isFalse();

        // The control: the estimate as it was, the closing's basins filled but nothing carried on to the edges.
        int factor = PaperBackground.coarseFactor(SIDE, SIDE);
        int coarseSide = (SIDE + factor - 1) / factor;
        int radius = (int) Math.round(PaperBackground.CLOSING_SHARE * coarseSide);
        float[] closed = SquareFilter.minimum(SquareFilter.maximum(PaperBackground.shrink(lit, SIDE, SIDE, factor), coarseSide, coarseSide,
                radius), coarseSide, coarseSide, radius);
        float[] before = PaperBackground.enlarge(PaperBackground.fillEnclosedBasins(closed, coarseSide, coarseSide), coarseSide, coarseSide,
                factor, SIDE, SIDE);
        assertThat(largestLighterThan(lit, before)).isGreaterThan(40);
        assertThat(DigitPreprocessor.hasInk(below(lit, before), SIDE, SIDE)).isTrue();
    }

    /** A stroke along the edge of a page that darkens towards that edge sets no trend: the paper under it is estimated right. */
    @Test
    void aStrokeAlongTheEdgeIsInkAndThePaperUnderItIsThePapers() {
        float[] lit = new float[SIDE * SIDE];
        float[] gray = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                lit[y * SIDE + x] = 120 + 110f * x / SIDE;
                boolean stroke = x >= 6 && x < 14 && y >= 50 && y < 250;
                gray[y * SIDE + x] = stroke ? 0.3f * lit[y * SIDE + x] : lit[y * SIDE + x];
            }
        }
        float[] paper = PaperBackground.estimate(gray, SIDE, SIDE);
        for (int y = 60; y < 240; y++) {
            for (int x = 6; x < 14; x++) {
                int i = y * SIDE + x;
                assertThat(Math.abs(paper[i] - lit[i])).as("the paper under the stroke at %d,%d", x, y).isLessThan(6);
            }
        }
        assertThat(largestLighterThan(lit, paper)).isLessThan(6);
    }

    /** The most any pixel's estimate lies above the paper's true level. */
    private static float largestLighterThan(float[] lit, float[] paper) {
        float most = 0;
        for (int i = 0; i < lit.length; i++) {
            most = Math.max(most, paper[i] - lit[i]);
        }
        return most;
    }

    private static float[] below(float[] gray, float[] paper) {
        float[] below = new float[gray.length];
        for (int i = 0; i < gray.length; i++) {
            below[i] = Math.max(0, paper[i] - gray[i]);
        }
        return below;
    }
}
