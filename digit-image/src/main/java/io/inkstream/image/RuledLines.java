package io.inkstream.image;

import java.util.Arrays;

/**
 * Takes the printed lines of ruled or squared paper, and of forms, out of the ink: a line across the whole picture made
 * the digit's ink box the whole picture, and the digit a speck in it.
 *
 * <p>A printed line crosses (nearly) the whole picture. Fainter than the writing (blue or red ruling on a page written
 * in pencil or ink), it is print wherever the writing is. As strong as the writing (a form's line to write on, the
 * lines of a row of boxes), it is print only if it is thin (at most {@value #MAX_PRINT_WIDTH} of the picture's shorter
 * side: a digit's stroke is about a tenth of it) and the writing stays {@value #CLEAR_OF_ENDS} of its length clear of
 * both its ends: the line runs on out of the frame, where a digit cropped edge to edge has a stroke that crosses the
 * picture and the rest of the digit reaching one of its ends (a 7's stem at its bar's end). Lines are searched across the
 * picture at slopes up to {@value #MAX_SLOPE} (a page photographed a few degrees askew), and down it the same way.
 * Along a line found, its own level is taken off every pixel it covers (and the one beside it on each side, its
 * anti-aliased edge; two for a strong line), so where a stroke crosses a faint line the stroke stays. A picture whose
 * ink is all on the lines found is a blank page of print, and is emptied ({@link #printOnly}).
 */
final class RuledLines {
    /** Steepest line searched, as rise over run: about 3 degrees. */
    static final double MAX_SLOPE = 0.05;
    static final double SLOPE_STEP = 0.01;
    /** A pixel counts as on a line above this ink level. */
    private static final float PRESENT = 0.08f;
    /** Share of a line's pixels that must be inked: a stroke crossing it leaves it whole, a gap in the print does not. */
    private static final double COVERAGE = 0.85;
    /** A line at or above this level is as strong as the writing: print only if the writing stays clear of its ends. */
    private static final float FAINTER_THAN = 0.6f;
    /** Points of a path looked at, at most: every pixel of a picture up to this long, every other one up to twice as long... */
    private static final int SAMPLES = 512;
    /** Points glanced at along a path before it is looked at whole. */
    private static final int PRECHECK = 32;
    /** Bins of the histogram a line's level is read from. */
    private static final int LEVELS = 64;
    /** Writing off the lines, for {@link #writingClearOfEnds}: what also counts for the digit's box. */
    private static final float WRITING = DigitPreprocessor.BOUNDS_THRESHOLD;
    /** A line as strong as the writing is print when the writing keeps this share of its length clear of both its ends. */
    static final double CLEAR_OF_ENDS = 0.1;
    /** A strong line wider than this share of the picture's shorter side is a stroke, not print (a form's is 1-2%). */
    static final double MAX_PRINT_WIDTH = 0.03;
    /** ... and print up to this many pixels wide is print however small the picture. */
    private static final int MIN_PRINT_WIDTH = 4;
    /** Too short to tell a line from a stroke. */
    private static final int MIN_LENGTH = 48;
    /** How far from a line found its ink may lie, for {@link #printOnly}. */
    private static final int LINE_SLACK = 3;
    /** Ink off the lines in pieces this small is noise, for {@link #printOnly}: no digit is so small at the size read. */
    private static final int SPECK = 4;

    private RuledLines() {
    }

    /** The ink without the ruling and a form's lines; the same image if it has none. */
    static InkImage remove(InkImage image) {
        return remove(image, true);
    }

    /** With {@code strong} false, only what is fainter than the writing: what the strong lines add is seen against it. */
    static InkImage remove(InkImage image, boolean strong) {
        float[] values = image.values.clone();
        // Inked pixels per row and per column, and which of the points a path samples are inked, in one pass: what rules
        // out almost every start without a search.
        Inked rows = new Inked(image.height, image.width);
        Inked columns = new Inked(image.width, image.height);
        for (int y = 0; y < image.height; y++) {
            for (int x = 0; x < image.width; x++) {
                if (values[y * image.width + x] > PRESENT) {
                    rows.add(y, x);
                    columns.add(x, y);
                }
            }
        }
        // Both directions are searched on the ink as it came: lines across taken out first would cut every line down
        // the page where they cross it, and squared paper's lines down it would no longer be whole enough to be found.
        // Every line found, faint or strong, taken out or not: what the writing is judged against at the end.
        float[] lines = new float[values.length];
        boolean across = removeLines(values, image.values, image.width, image.height, false, rows, strong, lines);
        boolean down = removeLines(values, image.values, image.width, image.height, true, columns, strong, lines);
        if (strong && any(lines) && printOnly(values, lines, image.width, image.height)) {
            // A blank page of ruled or squared paper, a form's empty row of boxes: its lines are as strong as any ink
            // on it, and a strong line is taken out only against writing clear of its ends. There is no writing.
            return new InkImage(image.width, image.height, new float[values.length]);
        }
        return across || down ? new InkImage(image.width, image.height, values) : image;
    }

    private static boolean any(float[] lines) {
        for (float level : lines) {
            if (level > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether all the ink left lies on the lines found (within {@value #LINE_SLACK} pixels: a path's slope is searched in
     * steps, and strays that far from a line's middle at its ends), along the picture's edges where a line askew leaves
     * the frame (each piece of it within the depth such a line can reach in), or in specks of at most
     * {@value #SPECK} pixels: the picture holds print and nothing written. A strong line is thin and every line crosses
     * (nearly) the whole picture, so a digit is never all on them; the exceptions, named in docs/model.md, are a lone,
     * straight hairline drawn from edge to edge, and a digit small enough to lie wholly in such a band along an edge.
     */
    private static boolean printOnly(float[] values, float[] lines, int width, int height) {
        float[] off = new float[values.length];
        boolean anyOff = false;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (values[i] > WRITING && !onOrBesideALine(lines, width, height, x, y)) {
                    off[i] = values[i];
                    anyOff = true;
                }
            }
        }
        if (!anyOff) {
            return true;
        }
        // How far into the picture a line askew reaches from the edge it leaves by: its slope times the edge's length
        // (a line across leaves by the top or the bottom, a line down by a side).
        int topAndBottom = (int) Math.ceil(MAX_SLOPE * width) + LINE_SLACK;
        int sides = (int) Math.ceil(MAX_SLOPE * height) + LINE_SLACK;
        // The ink off the lines in 8-connected pieces, as Clutter splits the ink (above WRITING, its threshold too).
        Clutter.Pieces pieces = Clutter.Pieces.of(new InkImage(width, height, off));
        for (int p = 0; p < pieces.count; p++) {
            boolean alongEdge = pieces.maxY.get(p) < topAndBottom || pieces.minY.get(p) >= height - topAndBottom
                    || pieces.maxX.get(p) < sides || pieces.minX.get(p) >= width - sides;
            if (pieces.pixels.get(p) > SPECK && !alongEdge) {
                return false;
            }
        }
        return true;
    }

    private static boolean onOrBesideALine(float[] lines, int width, int height, int x, int y) {
        for (int ny = Math.max(0, y - LINE_SLACK); ny <= Math.min(height - 1, y + LINE_SLACK); ny++) {
            for (int nx = Math.max(0, x - LINE_SLACK); nx <= Math.min(width - 1, x + LINE_SLACK); nx++) {
                if (lines[ny * width + nx] > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The ink of the picture's rows (or columns) as the search sees it: how many pixels of each are inked, and which of the
     * points a path samples along it (every {@code stride}-th) are, as bits, {@code words} longs a line.
     */
    private static final class Inked {
        final int[] perLine;
        final int stride;
        final int words;
        final long[] sampled;

        Inked(int lines, int length) {
            perLine = new int[lines];
            stride = stride(length);
            words = ((length + stride - 1) / stride + 63) / 64;
            sampled = new long[lines * words];
        }

        void add(int line, int along) {
            perLine[line]++;
            if (stride == 1 || along % stride == 0) {
                int point = along / stride;
                sampled[line * words + (point >> 6)] |= 1L << point;
            }
        }

        /** How many sampled points are inked on at least one line from {@code first} to {@code last}. */
        int pointsInkedWithin(int first, int last, long[] scratch) {
            Arrays.fill(scratch, 0L);
            for (int line = first; line <= last; line++) {
                for (int w = 0; w < words; w++) {
                    scratch[w] |= sampled[line * words + w];
                }
            }
            int points = 0;
            for (long word : scratch) {
                points += Long.bitCount(word);
            }
            return points;
        }
    }

    /** Paths are judged on every stride-th point ({@link #SAMPLES}). */
    private static int stride(int length) {
        return Math.max(1, length / SAMPLES);
    }

    /**
     * Lines across ({@code transposed} false: x runs along the line) or down the picture, searched and measured in
     * {@code searched} (the ink before any line was taken out), removed from {@code values} in place, where the writing
     * is also judged; whether any was found. For each start the slope that crosses the most ink is taken, and
     * only that one is measured, each on at most {@value #SAMPLES} points: the cost is bounded by the
     * picture's size, whatever it holds. Every line found, whether taken out or not, is marked into {@code lines}.
     */
    private static boolean removeLines(float[] values, float[] searched, int width, int height, boolean transposed, Inked ink,
                                       boolean strong, float[] lines) {
        int length = transposed ? height : width;
        int span = transposed ? width : height;
        if (length < MIN_LENGTH) {
            return false;
        }
        int steps = (int) Math.round(MAX_SLOPE / SLOPE_STEP);
        // Every line found is taken off after the search, so that overlapping paths do not each take a share.
        float[] removal = new float[values.length];
        boolean found = false;
        // A line needs COVERAGE x length inked pixels within the band of rows (or columns) its steepest slope can reach.
        int[] inkedBefore = new int[span + 1];
        for (int across = 0; across < span; across++) {
            inkedBefore[across + 1] = inkedBefore[across] + ink.perLine[across];
        }
        int reach = (int) Math.ceil(MAX_SLOPE * length / 2) + 1;
        int[] histogram = new int[LEVELS];
        // Lines as strong as the writing: print (a form's line to write on, a row of boxes) only if the writing stays
        // clear of both their ends; otherwise a stroke of a digit cropped edge to edge.
        java.util.List<double[]> strongLines = new java.util.ArrayList<>(); // {start, slope, level}
        // Paths are judged on at most SAMPLES points each: enough to tell a line, and a bound on the search.
        int stride = ink.stride;
        int sampled = (length + stride - 1) / stride;
        long[] scratch = new long[ink.words];
        for (int start = 0; start < span; start++) {
            int bandInk = inkedBefore[Math.min(span, start + reach + 1)] - inkedBefore[Math.max(0, start - reach)];
            if (bandInk < length * COVERAGE * COVERAGE) {
                continue;
            }
            // Every point a path from this start samples lies on a line within reach of it (and near() looks one beyond):
            // fewer inked points there than a line needs, no path has them. Most of a digit's rows end here.
            if (ink.pointsInkedWithin(Math.max(0, start - reach - 1), Math.min(span - 1, start + reach + 1), scratch)
                    < sampled * COVERAGE) {
                continue;
            }
            double bestSlope = 0;
            int bestInked = -1;
            int allowedMisses = (int) (sampled * (1 - COVERAGE));
            for (int step = -steps; step <= steps; step++) {
                double slope = step * SLOPE_STEP;
                // A glance first: a line is inked at nearly every one of PRECHECK points along it, a digit's row at a few.
                int glanceStride = Math.max(1, length / PRECHECK);
                int glanceMisses = 0;
                int allowedGlanceMisses = (int) ((length / glanceStride) * (1.1 - COVERAGE));
                for (int along = 0; along < length && glanceMisses <= allowedGlanceMisses; along += glanceStride) {
                    if (near(searched, width, length, span, transposed, along, start, slope) <= PRESENT) {
                        glanceMisses++;
                    }
                }
                if (glanceMisses > allowedGlanceMisses) {
                    continue;
                }
                int inked = 0;
                int misses = 0;
                for (int along = 0; along < length && misses <= allowedMisses; along += stride) {
                    if (near(searched, width, length, span, transposed, along, start, slope) > PRESENT) {
                        inked++;
                    } else {
                        misses++;
                    }
                }
                if (inked > bestInked) {
                    bestInked = inked;
                    bestSlope = slope;
                }
            }
            if (bestInked < sampled * COVERAGE) {
                continue;
            }
            // The line's level: its core (the 75th percentile), not the anti-aliased edge a slope a little off samples at the ends.
            Arrays.fill(histogram, 0);
            int inside = 0;
            for (int along = 0; along < length; along += stride) {
                float value = near(searched, width, length, span, transposed, along, start, bestSlope);
                if (value >= 0) {
                    histogram[Math.min(LEVELS - 1, (int) (value * LEVELS))]++;
                    inside++;
                }
            }
            int rank = inside * 3 / 4;
            int level = 0;
            for (int seen = 0; level < LEVELS - 1; level++) {
                seen += histogram[level];
                if (seen > rank) {
                    break;
                }
            }
            float lineLevel = (level + 1f) / LEVELS;
            if (lineLevel >= FAINTER_THAN) {
                if (strong) {
                    strongLines.add(new double[] {start, bestSlope, lineLevel});
                }
                continue;
            }
            found = true;
            mark(removal, start, bestSlope, lineLevel, 1, width, length, span, transposed);
        }
        // Print is thin: a strong line wider than MAX_PRINT_WIDTH of the picture is a stroke (a digit's bar, cropped
        // edge to edge, is a tenth of it wide).
        float[] strongRemoval = new float[values.length];
        boolean strongFound = false;
        int maxWidth = (int) Math.max(MIN_PRINT_WIDTH, MAX_PRINT_WIDTH * Math.min(length, span)) + 2;
        for (double[] line : strongLines) {
            if (inkWidth(values, width, length, span, transposed, (int) line[0], line[1], maxWidth) <= maxWidth) {
                // A strong line's anti-aliased edge is itself above the writing's threshold: it goes a pixel further.
                mark(strongRemoval, (int) line[0], line[1], (float) line[2], 2, width, length, span, transposed);
                strongFound = true;
            }
        }
        for (int i = 0; i < values.length; i++) {
            lines[i] = Math.max(lines[i], Math.max(removal[i], strongRemoval[i]));
        }
        if (strongFound && writingClearOfEnds(values, removal, strongRemoval, width, length, span, transposed)) {
            found = true;
            for (int i = 0; i < values.length; i++) {
                removal[i] = Math.max(removal[i], strongRemoval[i]);
            }
        }
        if (found) {
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.max(0f, values[i] - removal[i]);
            }
        }
        return found;
    }

    /**
     * The median width of the writing's ink across a path, over the points along it where there is any, counted out from
     * the path each way up to {@code cap} (a stroke running along the path is as wide as it runs: capped).
     */
    private static int inkWidth(float[] values, int width, int length, int span, boolean transposed, int start, double slope, int cap) {
        int[] widths = new int[length];
        int found = 0;
        for (int along = 0; along < length; along++) {
            int centre = (int) Math.round(start + slope * (along - length / 2.0));
            // From the path's pixel, or the one beside it (a path a little off the line's middle), as far as the ink goes.
            int seed = Integer.MIN_VALUE;
            for (int across = centre - 1; across <= centre + 1 && seed == Integer.MIN_VALUE; across++) {
                if (across >= 0 && across < span && values[index(along, across, width, transposed)] > WRITING) {
                    seed = across;
                }
            }
            if (seed == Integer.MIN_VALUE) {
                continue;
            }
            int first = seed;
            int last = seed;
            while (first > 0 && seed - first <= cap && values[index(along, first - 1, width, transposed)] > WRITING) {
                first--;
            }
            while (last < span - 1 && last - seed <= cap && values[index(along, last + 1, width, transposed)] > WRITING) {
                last++;
            }
            widths[found++] = last - first + 1;
        }
        if (found == 0) {
            return Integer.MAX_VALUE; // no writing along it at all: nothing to judge, nothing taken
        }
        Arrays.sort(widths, 0, found);
        return widths[found / 2];
    }

    /** Marks a line's level along its path into {@code into}, {@code reachAcross} pixels either side. */
    private static void mark(float[] into, int start, double slope, float level, int reachAcross, int width, int length, int span,
                             boolean transposed) {
        for (int along = 0; along < length; along++) {
            int centre = (int) Math.round(start + slope * (along - length / 2.0));
            for (int across = Math.max(0, centre - reachAcross); across <= Math.min(span - 1, centre + reachAcross); across++) {
                int i = index(along, across, width, transposed);
                into[i] = Math.max(into[i], level);
            }
        }
    }

    /**
     * Whether the ink off every line found (faint or strong) keeps {@link #CLEAR_OF_ENDS} of the length clear of both
     * ends of the lines: the writing sits inside the picture and the print runs past it out of the frame.
     */
    private static boolean writingClearOfEnds(float[] values, float[] removal, float[] strongRemoval, int width, int length, int span,
                                              boolean transposed) {
        int first = length;
        int last = -1;
        for (int along = 0; along < length; along++) {
            for (int across = 0; across < span; across++) {
                int i = index(along, across, width, transposed);
                if (values[i] > WRITING && !nearLine(removal, strongRemoval, width, span, transposed, along, across)) {
                    first = Math.min(first, along);
                    last = along;
                    break;
                }
            }
        }
        return last >= 0 && first >= CLEAR_OF_ENDS * length && last < (1 - CLEAR_OF_ENDS) * length;
    }

    /** On a line found or beside it: a strong line's anti-aliased edge reaches a pixel past what is taken off. */
    private static boolean nearLine(float[] removal, float[] strongRemoval, int width, int span, boolean transposed, int along, int across) {
        for (int a = Math.max(0, across - 1); a <= Math.min(span - 1, across + 1); a++) {
            int i = index(along, a, width, transposed);
            if (removal[i] > 0 || strongRemoval[i] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The ink on the path at {@code along}: the strongest of the pixel and its two neighbours across,
     * so that a line a little off the searched slope stays in the band; -1 off the picture.
     */
    private static float near(float[] values, int width, int length, int span, boolean transposed, int along, int start, double slope) {
        int across = (int) Math.round(start + slope * (along - length / 2.0));
        if (across < 0 || across >= span) {
            return -1;
        }
        float value = values[index(along, across, width, transposed)];
        if (across > 0) {
            value = Math.max(value, values[index(along, across - 1, width, transposed)]);
        }
        if (across < span - 1) {
            value = Math.max(value, values[index(along, across + 1, width, transposed)]);
        }
        return value;
    }

    private static int index(int along, int across, int width, boolean transposed) {
        return transposed ? along * width + across : across * width + along;
    }
}
