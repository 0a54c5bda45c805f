package io.inkstream.image;

import java.util.Arrays;

/**
 * Glare: light reflected off glossy paper, a whiteboard or a screen protector adds itself to every level under it, paper
 * and ink alike, so a stroke there keeps only a fraction of its depth below the paper, and the contrast stretch, made for
 * the whole picture, leaves it faint or clears it. Where the paper has risen above the picture's usual paper and the
 * strokes around are shallower than the deepest ink, the strokes are deepened again.
 *
 * <p>Two signs bound the gain, so that neither alone deepens anything. The paper: reflected light at a share {@code r}
 * of white turns paper {@code p} into {@code p + r (255 - p)}, so the room left to white, {@code (255 - p') / (255 - p)},
 * is {@code 1 - r}, the share of its depth every stroke there kept. A page lit more brightly on one side is lighter
 * there too, but its strokes are as deep as anywhere: the strokes' envelope (the deepest ink nearby) says no. A faint
 * pencil stroke has a shallow envelope, but its paper is the usual paper: the paper says no. And only near strokes, and
 * away from the picture's edges, where the paper's estimate is least sure.
 */
final class Glare {
    /** At most this much deeper: past it, what glare left of a stroke is as faint as the paper's grain. */
    static final float MAX_GAIN = 4;
    /** How far around a stroke its envelope reaches, as a share of the coarse copy's shorter side. */
    static final double REACH_SHARE = 0.06;
    /**
     * Levels (of 255) the paper must rise above the usual paper before glare is read from it, and as many again before
     * all of it is: the paper's texture lifts the estimate by a few levels anywhere. At 2, ruled paper's texture was
     * read as glare (2.3 points lost on ruled paper); at 10, glare on paper already near white was missed.
     */
    static final float MIN_RISE = 4;
    /**
     * The share of each side of the coarse copy, at each edge, left as it is: where a shadow's edge meets the picture's
     * edge, the paper's estimate overshoots (see {@link DigitPreprocessor#FAINT_INK_MARGIN}), and deepened, what it
     * leaves became specks that stretched the ink's box (2 of the evaluation's 300 unevenly lit pictures with 5%, none
     * with 10%).
     */
    static final double EDGE_MARGIN = 0.1;

    private Glare() {
    }

    /**
     * The depths, deepened where glare washed them out, never past {@code deepest}; {@code depth} itself when nothing is.
     * The gain is worked out on a coarse copy, as the paper is ({@link PaperBackground#estimate}), and stretched back
     * bilinearly: glare is as smooth as the paper's light, and a picture without any costs one pass over its pixels
     * (each block's deepest ink).
     *
     * @param depth each pixel's ink as a share of its paper (0 = paper)
     * @param paper the paper's level under each pixel, for dark ink on lighter paper
     */
    static float[] undo(float[] depth, float[] paper, int width, int height, float deepest) {
        if (deepest <= 0) {
            return depth;
        }
        int factor = PaperBackground.coarseFactor(width, height);
        int coarseWidth = (width + factor - 1) / factor;
        int coarseHeight = (height + factor - 1) / factor;
        float[] coarsePaper = atCentres(paper, width, height, factor);
        float usualPaper = GrayLevels.median(coarsePaper, 1); // what most of the paper is, glare's spot a small part
        float room = 255 - usualPaper;
        if (room < 1) {
            return depth;
        }
        int reach = Math.max(1, (int) Math.round(REACH_SHARE * Math.min(coarseWidth, coarseHeight)));
        float[] envelope = SquareFilter.maximum(blockMaximum(depth, width, height, factor), coarseWidth, coarseHeight, reach);
        // An envelope no deeper than what the noise floor clears has no stroke to deepen.
        float shallowest = DigitPreprocessor.NOISE_SHARE * deepest;
        int marginX = (int) Math.ceil(coarseWidth * EDGE_MARGIN);
        int marginY = (int) Math.ceil(coarseHeight * EDGE_MARGIN);
        float[] gain = new float[coarsePaper.length];
        Arrays.fill(gain, 1);
        boolean any = false;
        for (int y = marginY; y < coarseHeight - marginY; y++) {
            for (int x = marginX; x < coarseWidth - marginX; x++) {
                int i = y * coarseWidth + x;
                float risen = clamp((coarsePaper[i] - usualPaper - MIN_RISE) / MIN_RISE);
                float nearStrokes = clamp((envelope[i] - shallowest) / shallowest);
                if (risen > 0 && nearStrokes > 0) {
                    float byPaper = room / Math.max(1, 255 - coarsePaper[i]);
                    float byStrokes = deepest / Math.max(envelope[i], deepest / MAX_GAIN);
                    gain[i] = 1 + Math.max(0, Math.min(MAX_GAIN, Math.min(byPaper, byStrokes)) - 1) * nearStrokes * risen;
                    any |= gain[i] > 1;
                }
            }
        }
        if (!any) {
            return depth; // most pictures: evenly lit paper, or a page lit from one side with its strokes as deep there
        }
        float[] gains = PaperBackground.enlarge(gain, coarseWidth, coarseHeight, factor, width, height);
        float[] out = new float[depth.length];
        for (int i = 0; i < depth.length; i++) {
            float deeper = depth[i] * gains[i];
            out[i] = deeper < deepest ? deeper : deepest;
        }
        return out;
    }

    private static float clamp(float share) {
        return share <= 0 ? 0 : share >= 1 ? 1 : share;
    }

    /**
     * The value at each {@code factor} x {@code factor} block's centre: the paper's estimate is already a smooth
     * bilinear stretch of a coarse copy, so one pixel a block reads it back, where a mean would read them all.
     */
    private static float[] atCentres(float[] values, int width, int height, int factor) {
        int smallWidth = (width + factor - 1) / factor;
        int smallHeight = (height + factor - 1) / factor;
        float[] small = new float[smallWidth * smallHeight];
        for (int y = 0; y < smallHeight; y++) {
            int row = Math.min(height - 1, y * factor + factor / 2) * width;
            for (int x = 0; x < smallWidth; x++) {
                small[y * smallWidth + x] = values[row + Math.min(width - 1, x * factor + factor / 2)];
            }
        }
        return small;
    }

    /** Each {@code factor} x {@code factor} block's largest value (smaller blocks at the right and bottom edges). */
    static float[] blockMaximum(float[] values, int width, int height, int factor) {
        int smallWidth = (width + factor - 1) / factor;
        float[] small = new float[smallWidth * ((height + factor - 1) / factor)];
        for (int y = 0; y < height; y++) {
            int row = (y / factor) * smallWidth;
            for (int column = 0; column < smallWidth; column++) {
                float largest = small[row + column];
                int end = y * width + Math.min(width, column * factor + factor);
                for (int i = y * width + column * factor; i < end; i++) {
                    largest = values[i] > largest ? values[i] : largest;
                }
                small[row + column] = largest;
            }
        }
        return small;
    }
}
