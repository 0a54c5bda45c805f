package io.inkstream.image;

import static io.inkstream.image.GrayLevels.level;
import static io.inkstream.image.GrayLevels.percentile;

import java.util.Arrays;

/**
 * What the digit is written on, estimated pixel by pixel: paper lit unevenly, in a shadow, tinted
 * or textured is still paper. One level for the whole picture (the median of its border, as
 * before) read a shadow across half a page as ink, and a page lit from one side as a digit the
 * size of the page.
 *
 * <p>Both steps work on blocks, so their cost is one pass over the pixels whatever the picture's
 * size, and the rest on a copy of at most {@value #COARSE_SIDE} px a side.
 */
final class PaperBackground {
    /** The coarse copy's longest side: fine enough to follow a shadow's edge, small enough to filter cheaply. */
    static final int COARSE_SIDE = 64;
    /**
     * The closing's radius as a share of the coarse copy's shorter side: wider than any stroke (a
     * marker's is about a tenth of the digit), narrower than a page's light changes.
     */
    static final double CLOSING_SHARE = 0.12;
    /** A border median at or above this is paper: the ink is dark. */
    static final int LIGHT_BORDER = 176;
    /** A border median at or below this is a board or a screen: the ink is light. */
    static final int DARK_BORDER = 80;
    /** Blocks per side when the border cannot tell which way the ink goes. */
    private static final int POLARITY_BLOCKS = 4;

    private PaperBackground() {
    }

    /**
     * Whether the ink is lighter than what it is on (chalk on a board, a drawing app in dark mode,
     * MNIST's own white on black). The border of a picture is nearly all background: when its median
     * is clearly light or clearly dark, that decides, as it always did. A border in between (a page in
     * a shadow, a dim photo) is read from the blocks instead: ink is the minority of the blocks it
     * touches, so in each block the levels reach further from the block's median on the ink's side
     * (its 0.5th or 99.5th percentile) than on the other, where only noise, texture and a gradient
     * across the block are, which spread both ways alike. Blocks alone would misread a marker whose
     * strokes fill most of a block, so they only break the border's tie.
     */
    static boolean lightInk(float[] gray, int width, int height) {
        float border = borderMedian(gray, width, height);
        if (border >= LIGHT_BORDER) {
            return false;
        }
        if (border <= DARK_BORDER) {
            return true;
        }
        int blockWidth = Math.max(4, (width + POLARITY_BLOCKS - 1) / POLARITY_BLOCKS);
        int blockHeight = Math.max(4, (height + POLARITY_BLOCKS - 1) / POLARITY_BLOCKS);
        double darkSide = 0;
        double lightSide = 0;
        int[] histogram = new int[GrayLevels.LEVELS];
        for (int top = 0; top < height; top += blockHeight) {
            for (int left = 0; left < width; left += blockWidth) {
                Arrays.fill(histogram, 0);
                int count = 0;
                for (int y = top; y < Math.min(height, top + blockHeight); y++) {
                    for (int x = left; x < Math.min(width, left + blockWidth); x++) {
                        histogram[level(gray[y * width + x])]++;
                        count++;
                    }
                }
                int median = percentile(histogram, count, 0.5);
                darkSide += median - percentile(histogram, count, 0.005);
                lightSide += percentile(histogram, count, 0.995) - median;
            }
        }
        return lightSide > darkSide;
    }

    /** The median of the outermost pixels. */
    private static float borderMedian(float[] gray, int width, int height) {
        int[] histogram = new int[GrayLevels.LEVELS];
        int count = 0;
        for (int x = 0; x < width; x++) {
            histogram[level(gray[x])]++;
            histogram[level(gray[(height - 1) * width + x])]++;
            count += 2;
        }
        for (int y = 1; y < height - 1; y++) {
            histogram[level(gray[y * width])]++;
            histogram[level(gray[y * width + width - 1])]++;
            count += 2;
        }
        return percentile(histogram, count, 0.5);
    }

    /**
     * The paper's level under every pixel of a picture of dark ink on lighter paper: the picture
     * averaged down to a coarse copy, closed (a maximum filter, which lifts every stroke narrower
     * than its width to the paper around it, then a minimum filter of the same radius, which gives
     * back the paper's own edges, such as a shadow's), its enclosed dark basins filled
     * ({@link #fillEnclosedBasins}), its trends carried on to the edges ({@link #followTrendsToEdges}),
     * and stretched back bilinearly.
     */
    static float[] estimate(float[] gray, int width, int height) {
        int factor = coarseFactor(width, height);
        int coarseWidth = (width + factor - 1) / factor;
        int coarseHeight = (height + factor - 1) / factor;
        float[] coarse = shrink(gray, width, height, factor);
        int radius = Math.max(1, (int) Math.round(CLOSING_SHARE * Math.min(coarseWidth, coarseHeight)));
        float[] closed = SquareFilter.minimum(SquareFilter.maximum(coarse, coarseWidth, coarseHeight, radius), coarseWidth, coarseHeight, radius);
        float[] paper = fillEnclosedBasins(closed, coarseWidth, coarseHeight);
        followTrendsToEdges(paper, coarseWidth, coarseHeight, radius);
        return enlarge(paper, coarseWidth, coarseHeight, factor, width, height);
    }

    /**
     * Carries the paper's trend on to the picture's edges, in place. Within a radius of an edge the closing's windows are cut
     * short, so paper that darkens towards the edge (a shadow, light falling off into a corner) is closed like a basin of ink:
     * the estimate stays at the level about a radius in, lighter than the paper, and the edge reads as a smear of ink (a blank
     * page in a shadow read as a digit). There the estimate is also drawn as the line through its values one and two radii
     * in, and the darker of the two kept, where that line darkens towards the edge. A stroke along the edge changes nothing:
     * the paper a radius and two radii in beside it is level.
     */
    static void followTrendsToEdges(float[] paper, int width, int height, int radius) {
        if (2 * radius >= width || 2 * radius >= height) {
            return;
        }
        for (int y = 0; y < height; y++) {
            int row = y * width;
            extend(paper, row + radius, row + 2 * radius, 1, radius);
            extend(paper, row + width - 1 - radius, row + width - 1 - 2 * radius, -1, radius);
        }
        for (int x = 0; x < width; x++) {
            extend(paper, radius * width + x, 2 * radius * width + x, width, radius);
            extend(paper, (height - 1 - radius) * width + x, (height - 1 - 2 * radius) * width + x, -width, radius);
        }
    }

    /**
     * From {@code near} (a radius from the edge) outwards, against {@code step} (the way in), for {@code radius} cells:
     * each lowered to the line through {@code far} and {@code near}, if the line darkens outwards.
     */
    private static void extend(float[] paper, int near, int far, int step, int radius) {
        float drop = (paper[far] - paper[near]) / radius; // how much darker a cell further out
        if (drop <= 0) {
            return;
        }
        for (int k = 1; k <= radius; k++) {
            int cell = near - k * step;
            paper[cell] = Math.min(paper[cell], Math.max(0, paper[near] - drop * k));
        }
    }

    /** The block size that averages a picture down to at most {@value #COARSE_SIDE} px a side: the paper map's, and glare's. */
    static int coarseFactor(int width, int height) {
        return Math.max(1, (Math.max(width, height) + COARSE_SIDE - 1) / COARSE_SIDE);
    }

    /**
     * Raises every dark basin that lighter paper encloses to the level at which it would spill over
     * to the picture's edge. The closing lifts strokes, but not ink wider than itself (a filled
     * blot, a marker's loop filled in): that stays dark in the estimate and would read as paper. A
     * shadow or a dim side of the page reaches the edge of the picture, so it is no basin and stays.
     * A priority flood from the border: each cell takes the larger of its own level and the lowest
     * level along the way in.
     */
    static float[] fillEnclosedBasins(float[] levels, int width, int height) {
        float[] filled = new float[levels.length];
        boolean[] reached = new boolean[levels.length];
        java.util.PriorityQueue<long[]> frontier = new java.util.PriorityQueue<>(levels.length, (a, b) -> Float.compare(
                Float.intBitsToFloat((int) a[0]), Float.intBitsToFloat((int) b[0])));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (x == 0 || y == 0 || x == width - 1 || y == height - 1) {
                    int i = y * width + x;
                    filled[i] = levels[i];
                    reached[i] = true;
                    frontier.add(new long[] {Float.floatToIntBits(filled[i]), i});
                }
            }
        }
        int[] dx = {1, -1, 0, 0};
        int[] dy = {0, 0, 1, -1};
        while (!frontier.isEmpty()) {
            int cell = (int) frontier.poll()[1];
            int cx = cell % width;
            int cy = cell / width;
            for (int k = 0; k < 4; k++) {
                int nx = cx + dx[k];
                int ny = cy + dy[k];
                if (nx < 0 || ny < 0 || nx >= width || ny >= height || reached[ny * width + nx]) {
                    continue;
                }
                int next = ny * width + nx;
                reached[next] = true;
                filled[next] = Math.max(levels[next], filled[cell]);
                frontier.add(new long[] {Float.floatToIntBits(filled[next]), next});
            }
        }
        return filled;
    }

    /** Averaged down: each value the mean of a {@code factor} x {@code factor} block (smaller at the right and bottom edges). */
    static float[] shrink(float[] values, int width, int height, int factor) {
        int smallWidth = (width + factor - 1) / factor;
        int smallHeight = (height + factor - 1) / factor;
        float[] small = new float[smallWidth * smallHeight];
        int[] counts = new int[small.length];
        for (int y = 0; y < height; y++) {
            int row = (y / factor) * smallWidth;
            for (int x = 0, column = 0, left = factor; x < width; x++) {
                small[row + column] += values[y * width + x];
                counts[row + column]++;
                if (--left == 0) {
                    column++;
                    left = factor;
                }
            }
        }
        for (int i = 0; i < small.length; i++) {
            small[i] /= counts[i];
        }
        return small;
    }

    /** Bilinear, each coarse value standing at the centre of its block; the columns' weights are worked out once. */
    static float[] enlarge(float[] coarse, int coarseWidth, int coarseHeight, int factor, int width, int height) {
        if (factor == 1) {
            return coarse;
        }
        int[] left = new int[width];
        int[] right = new int[width];
        float[] towardsRight = new float[width];
        for (int x = 0; x < width; x++) {
            double cx = Math.max(0, Math.min(coarseWidth - 1, (x + 0.5) / factor - 0.5));
            left[x] = (int) cx;
            right[x] = Math.min(coarseWidth - 1, left[x] + 1);
            towardsRight[x] = (float) (cx - left[x]);
        }
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            double cy = Math.max(0, Math.min(coarseHeight - 1, (y + 0.5) / factor - 0.5));
            int top = (int) cy * coarseWidth;
            int bottom = Math.min(coarseHeight - 1, (int) cy + 1) * coarseWidth;
            float fy = (float) (cy - (int) cy);
            for (int x = 0; x < width; x++) {
                float fx = towardsRight[x];
                float upper = coarse[top + left[x]] + (coarse[top + right[x]] - coarse[top + left[x]]) * fx;
                float lower = coarse[bottom + left[x]] + (coarse[bottom + right[x]] - coarse[bottom + left[x]]) * fx;
                out[y * width + x] = upper + (lower - upper) * fy;
            }
        }
        return out;
    }
}
