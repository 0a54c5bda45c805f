package io.inkstream.image;

import static io.inkstream.image.GrayLevels.level;
import static io.inkstream.image.GrayLevels.percentile;

import java.util.Arrays;

/**
 * A note photographed on a desk: the page fills a quarter of the frame or more, and the desk around it is darker and
 * reaches the picture's edge. Read as it was, a desk that made most of the border dark turned the picture into chalk on
 * a board (the page became the ink), and one that did not left the page's outline as ink around the digit. Found, the
 * desk is painted over with the page's own level, and what follows reads a page that fills the frame.
 *
 * <p>The page is the largest region lighter than Otsu's threshold, with what it encloses (the writing); the desk is
 * everything outside it. It is taken for a page only if it looks like one, on a desk: a quadrilateral (its area at least
 * {@value #MIN_RECTANGULARITY} of the smallest rectangle around it, at any turn), mostly light inside, a quarter of the
 * picture or more ({@value #MIN_BLANK_PAGE_SHARE} of it if nothing is written on it), met by a desk darker than the
 * threshold in a step a pixel or two wide. That keeps out what else is light on dark: a digit drawn light on a dark
 * screen or MNIST's own white on black (no glyph is a filled rectangle), and paper in a shadow (a shadow's edge fades
 * over many pixels).
 */
final class PageOnDesk {
    /** The page with its writing, as a share of the picture. */
    static final double MIN_PAGE_SHARE = 0.25;
    /**
     * A page with nothing written on it, as a share of the picture, at least: a light filled rectangle this large is no
     * glyph (a "1" whose stroke is as wide as 30% of the picture is high), and an empty note photographed on a desk is
     * read as the blank page it is.
     */
    static final double MIN_BLANK_PAGE_SHARE = 0.3;
    /** The desk seen, as a share of the picture: less is a page that fills the frame. */
    static final double MIN_DESK_SHARE = 0.03;
    /**
     * The share of the picture's border darker than the threshold, at least: a desk shows along the border (a page
     * that fills the frame, the usual upload, is let go here, before any work in proportion to the picture).
     */
    static final double MIN_DARK_BORDER = 0.3;
    /** Levels (of 255) between the mean of the dark class and that of the light one. */
    static final int MIN_SEPARATION = 60;
    /** The page's light pixels, as a share of the page with its writing: writing covers 1-3% of a note, a glyph's loop more. */
    static final double MIN_LIGHT_SHARE = 0.9;
    /**
     * The shorter side of a photo of a note, at least, in pixels: a smaller picture is a drawing or MNIST's own 28 x 28,
     * whose bold white glyph on black can look like a page (a "0" nearly square, its loop small).
     */
    static final int MIN_SIDE = 100;
    /** The page's area as a share of the smallest rectangle around it: a turned page, or one the frame cuts, is near 1; a disc is 0.79. */
    static final double MIN_RECTANGULARITY = 0.88;
    /** The median rise across the page's edge, over four pixels, as a share of the separation. */
    static final double MIN_EDGE_STEP = 0.5;
    /** Pixels of the page along the desk painted too: the edge's blur. */
    private static final int EDGE_MARGIN = 2;

    private PageOnDesk() {
    }

    /** Paints the desk around a page over with the page's level, in place; whether a page on a desk was found. */
    static boolean paintOver(float[] gray, int width, int height) {
        if (Math.min(width, height) < MIN_SIDE) {
            return false;
        }
        int pixels = width * height;
        // The levels from every other pixel of every other row: plenty for a threshold, a quarter of the cost.
        int[] histogram = new int[GrayLevels.LEVELS];
        int sampled = 0;
        for (int y = 0; y < height; y += 2) {
            for (int x = 0; x < width; x += 2) {
                histogram[level(gray[y * width + x])]++;
                sampled++;
            }
        }
        int threshold = otsu(histogram, sampled);
        double darkMean = mean(histogram, 0, threshold);
        double lightMean = mean(histogram, threshold, 256);
        if (lightMean - darkMean < MIN_SEPARATION || darkBorderShare(gray, width, height, threshold) < MIN_DARK_BORDER) {
            return false;
        }
        int[] queue = new int[pixels];
        boolean[] page = largestLightRegion(gray, width, height, threshold, queue);
        // Outside: what the border reaches without crossing the page. The rest is the page with what it encloses.
        boolean[] outside = new boolean[pixels];
        int outsideCount = flood(page, outside, width, height, queue);
        int pageArea = pixels - outsideCount;
        // Light on the page: the paper, inside a written loop as well as around it.
        int light = 0;
        for (int i = 0; i < pixels; i++) {
            light += !outside[i] && level(gray[i]) >= threshold ? 1 : 0;
        }
        // Nothing written on it: a blank page, or a light glyph that is all one filled rectangle (a fat "1"); only a
        // page is that large.
        boolean blank = light == pageArea;
        if (pageArea < (blank ? MIN_BLANK_PAGE_SHARE : MIN_PAGE_SHARE) * pixels || outsideCount < MIN_DESK_SHARE * pixels
                || light < MIN_LIGHT_SHARE * pageArea) {
            return false;
        }
        // A desk is dark: paper cut off by a printed line (a form's strip) is as light as the page.
        if (median(gray, outside) >= threshold) {
            return false;
        }
        if (pageArea < MIN_RECTANGULARITY * smallestRectangle(outside, width, height)) {
            return false;
        }
        if (medianEdgeStep(gray, outside, width, height) < MIN_EDGE_STEP * (lightMean - darkMean)) {
            return false;
        }
        boolean[] painted = outside;
        for (int grow = 0; grow < EDGE_MARGIN; grow++) {
            painted = grow(painted, width, height);
        }
        paintFromTheRim(gray, painted, width, height, queue);
        return true;
    }

    /**
     * Gives every painted pixel the level of the page nearest it, spreading out from the page's rim (its pixels beside the
     * painted ones) a pixel at a time: a page lit unevenly stays lit so out to the frame. One level for the whole desk, the
     * page's median, left a step against the page's darker side that the paper's estimate carried into the page, where a
     * blank note's grain then stood out as ink.
     */
    private static void paintFromTheRim(float[] gray, boolean[] painted, int width, int height, int[] queue) {
        boolean[] done = new boolean[gray.length];
        int tail = 0;
        for (int i = 0; i < gray.length; i++) {
            done[i] = !painted[i];
            if (done[i] && besidePainted(painted, i, width, height)) {
                queue[tail++] = i;
            }
        }
        spread(queue, tail, painted, true, done, width, height, gray);
    }

    private static boolean besidePainted(boolean[] painted, int i, int width, int height) {
        int x = i % width;
        int y = i / width;
        return x > 0 && painted[i - 1] || x < width - 1 && painted[i + 1] || y > 0 && painted[i - width] || y < height - 1 && painted[i + width];
    }

    /** The level that best splits the histogram in two (Otsu, 1979): the first level of the light class. */
    static int otsu(int[] histogram, int count) {
        double total = 0;
        for (int level = 0; level < 256; level++) {
            total += (double) level * histogram[level];
        }
        double darkSum = 0;
        int darkCount = 0;
        double best = -1;
        int threshold = 128;
        for (int level = 0; level < 255; level++) {
            darkCount += histogram[level];
            darkSum += (double) level * histogram[level];
            int lightCount = count - darkCount;
            if (darkCount == 0 || lightCount == 0) {
                continue;
            }
            double difference = darkSum / darkCount - (total - darkSum) / lightCount;
            double between = (double) darkCount * lightCount * difference * difference;
            if (between > best) {
                best = between;
                threshold = level + 1;
            }
        }
        return threshold;
    }

    private static double mean(int[] histogram, int from, int to) {
        double sum = 0;
        long count = 0;
        for (int level = from; level < to; level++) {
            sum += (double) level * histogram[level];
            count += histogram[level];
        }
        return count == 0 ? 0 : sum / count;
    }

    private static double darkBorderShare(float[] gray, int width, int height, int threshold) {
        int dark = 0;
        int count = 0;
        for (int x = 0; x < width; x++) {
            dark += (level(gray[x]) < threshold ? 1 : 0) + (level(gray[(height - 1) * width + x]) < threshold ? 1 : 0);
            count += 2;
        }
        for (int y = 1; y < height - 1; y++) {
            dark += (level(gray[y * width]) < threshold ? 1 : 0) + (level(gray[y * width + width - 1]) < threshold ? 1 : 0);
            count += 2;
        }
        return (double) dark / count;
    }

    /** The largest 4-connected region of pixels at or above the threshold. */
    private static boolean[] largestLightRegion(float[] gray, int width, int height, int threshold, int[] queue) {
        boolean[] light = new boolean[gray.length];
        for (int i = 0; i < gray.length; i++) {
            light[i] = level(gray[i]) >= threshold;
        }
        boolean[] seen = new boolean[gray.length];
        int largestStart = -1;
        int largestSize = 0;
        for (int start = 0; start < gray.length; start++) {
            if (!light[start] || seen[start]) {
                continue;
            }
            seen[start] = true;
            queue[0] = start;
            int size = spread(queue, 1, light, true, seen, width, height);
            if (size > largestSize) {
                largestSize = size;
                largestStart = start;
            }
        }
        boolean[] page = new boolean[gray.length];
        if (largestStart >= 0) {
            page[largestStart] = true;
            queue[0] = largestStart;
            spread(queue, 1, light, true, page, width, height);
        }
        return page;
    }

    /** Marks in {@code reached} what the picture's border reaches through pixels outside {@code wall}; how many. */
    private static int flood(boolean[] wall, boolean[] reached, int width, int height, int[] queue) {
        int tail = 0;
        for (int i = 0; i < wall.length; i++) {
            int x = i % width;
            int y = i / width;
            if ((x == 0 || y == 0 || x == width - 1 || y == height - 1) && !wall[i]) {
                reached[i] = true;
                queue[tail++] = i;
            }
        }
        return spread(queue, tail, wall, false, reached, width, height);
    }

    /**
     * Spreads from the first {@code tail} pixels of the queue, already marked, to their 4-neighbours whose {@code through}
     * is {@code pass}, marking each in {@code marked}; how many are marked in all.
     */
    private static int spread(int[] queue, int tail, boolean[] through, boolean pass, boolean[] marked, int width, int height) {
        return spread(queue, tail, through, pass, marked, width, height, null);
    }

    /** The same, each pixel reached given the level in {@code carried} of the one it was reached from (unless null). */
    private static int spread(int[] queue, int tail, boolean[] through, boolean pass, boolean[] marked, int width, int height,
                              float[] carried) {
        int head = 0;
        while (head < tail) {
            int i = queue[head++];
            int x = i % width;
            int y = i / width;
            for (int k = 0; k < 4; k++) {
                int nx = x + (k == 0 ? 1 : k == 1 ? -1 : 0);
                int ny = y + (k == 2 ? 1 : k == 3 ? -1 : 0);
                if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
                    continue;
                }
                int n = ny * width + nx;
                if (!marked[n] && through[n] == pass) {
                    marked[n] = true;
                    queue[tail++] = n;
                    if (carried != null) {
                        carried[n] = carried[i];
                    }
                }
            }
        }
        return tail;
    }

    /**
     * The area of the smallest rectangle, turned by any whole degree, around what is not {@code outside}: from the
     * extents of its outline's pixels along each turn's two axes.
     */
    static double smallestRectangle(boolean[] outside, int width, int height) {
        int[] outline = new int[2 * (width + height) * 4];
        int points = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (outside[i]) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                        || outside[i - 1] || outside[i + 1] || outside[i - width] || outside[i + width];
                if (edge) {
                    if (points == outline.length) {
                        outline = Arrays.copyOf(outline, outline.length * 2);
                    }
                    outline[points++] = i;
                }
            }
        }
        double smallest = (double) width * height;
        for (int degrees = 0; degrees < 90; degrees++) {
            double cos = Math.cos(Math.toRadians(degrees));
            double sin = Math.sin(Math.toRadians(degrees));
            double minU = Double.MAX_VALUE, maxU = -Double.MAX_VALUE, minV = Double.MAX_VALUE, maxV = -Double.MAX_VALUE;
            for (int p = 0; p < points; p++) {
                int x = outline[p] % width;
                int y = outline[p] / width;
                double u = x * cos + y * sin;
                double v = -x * sin + y * cos;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            // Pixels are squares: the extents between centres, plus one.
            smallest = Math.min(smallest, (maxU - minU + 1) * (maxV - minV + 1));
        }
        return smallest;
    }

    /**
     * Across the page's edge: for each outside pixel beside the page, the level two pixels further in minus the level
     * one pixel further out; the median of those rises, in levels.
     */
    private static int medianEdgeStep(float[] gray, boolean[] outside, int width, int height) {
        int[] rises = new int[GrayLevels.LEVELS];
        int count = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (!outside[i]) {
                    continue;
                }
                for (int k = 0; k < 4; k++) {
                    int dx = k == 0 ? 1 : k == 1 ? -1 : 0;
                    int dy = k == 2 ? 1 : k == 3 ? -1 : 0;
                    int inX = x + 2 * dx;
                    int inY = y + 2 * dy;
                    int outX = x - dx;
                    int outY = y - dy;
                    if (inX < 0 || inY < 0 || inX >= width || inY >= height || outX < 0 || outY < 0 || outX >= width || outY >= height
                            || outside[(y + dy) * width + x + dx]) {
                        continue;
                    }
                    rises[level(gray[inY * width + inX] - gray[outY * width + outX])]++;
                    count++;
                }
            }
        }
        return count == 0 ? 0 : percentile(rises, count, 0.5);
    }

    private static float median(float[] gray, boolean[] mask) {
        int[] histogram = new int[GrayLevels.LEVELS];
        int count = 0;
        for (int i = 0; i < gray.length; i++) {
            if (mask[i]) {
                histogram[level(gray[i])]++;
                count++;
            }
        }
        return percentile(histogram, count, 0.5);
    }

    /** The mask and every pixel beside it (8 neighbours). */
    private static boolean[] grow(boolean[] mask, int width, int height) {
        boolean[] grown = mask.clone();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (!mask[y * width + x]) {
                    continue;
                }
                for (int ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
                    for (int nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
                        grown[ny * width + nx] = true;
                    }
                }
            }
        }
        return grown;
    }
}
