package io.inkstream.image;

import java.util.Arrays;

/**
 * Takes out ink that is not the digit but would set its box: a form's box around it, the lines of a row of boxes or a
 * line to write on running across the picture, a scanner's dark border along its edges. Printed as dark as the
 * writing, these stay after {@link RuledLines} when the writing reaches them, and the digit became a speck in a box the
 * size of the picture.
 *
 * <p>The ink is split into 8-connected pieces. A piece is clutter when it runs along an edge for a quarter of it, all
 * of it within {@value #BAND_DEPTH_PER_MILLE} thousandths of the edges, and none of it within the rest's box (a border);
 * when it crosses the picture from one edge to the opposite one and the rest stays clear of both ends; when it is a
 * frame (nearly all its ink along the sides of its own box) around another piece of a digit's size; or when it is one
 * of two straight sides standing either side of the rest (a box whose row of lines is gone). The last three are print,
 * and print is thinner than the writing: a piece whose strokes are as thick as the rest's (a digit cropped edge to edge
 * beside a speck, a "0" around one) is writing. Print the writing touches is one piece with it: straight, thin lines
 * along three or four sides of one of the largest pieces' boxes (or two opposite ones, if the piece crosses the picture
 * between them: a row of boxes, whose sides between go too) are taken out, and the pieces judged again; that stands
 * only if a quarter of the ink is left, with strokes thicker than the lines. Nothing is taken when what would be left
 * is not a digit's worth of ink: a digit that fills the picture edge to edge, alone, is the digit. But an empty form is
 * emptied: box lines that leave nothing but their crumbs, or a row's box sides with nothing between ({@link #onlyBoxSides}).
 */
final class Clutter {
    /** Ink for the pieces: what also counts for the digit's box. */
    private static final float INK = DigitPreprocessor.BOUNDS_THRESHOLD;
    /** A piece along an edge for this share of it, or more, and no deeper than {@link #BAND_DEPTH_PER_MILLE}, is a border or a band. */
    static final double ALONG_EDGE = 0.25;
    /** How far into the picture a band along its edges reaches at most, in thousandths of the side across it. */
    static final int BAND_DEPTH_PER_MILLE = 150;
    /** A frame: at least this share of its ink lies within {@link #FRAME_BAND} of its box's sides. */
    static final double FRAME_SHARE = 0.9;
    /** How near its box's sides a frame's ink lies, as a share of the box's shorter side (a box 5 degrees askew fits). */
    static final double FRAME_BAND = 0.1;
    /** What is left, or what a frame holds, is a digit when its box's longer side is this share of the picture's shorter side. */
    static final double DIGIT_SHARE = 0.08;
    /** A line across or down the picture is print when the rest of the ink stays this share of the side clear of both its ends. */
    static final double CLEAR_OF_ENDS = 0.1;
    /** A box's side covers this share of the piece's box along it, as {@link RuledLines} asks of a line. */
    private static final double SIDE_COVERAGE = 0.85;
    /** Steepest box side searched, and the steps between: the page askew as {@link RuledLines} searches it. */
    private static final double MAX_SLOPE = RuledLines.MAX_SLOPE;
    private static final double SLOPE_STEP = RuledLines.SLOPE_STEP;
    /** Pixels either side of a box's side taken out with it, beyond half its width: its anti-aliased edge. */
    private static final int SIDE_REACH = 2;
    /**
     * The pieces searched for box lines, the largest boxes first: a form's box is among the largest, and the search's
     * cost stays bounded whatever a crafted picture holds (a hundred nested frames).
     */
    private static final int BOXES_SEARCHED = 4;
    /** With box lines taken out, at least this share of the ink is left: the writing, not a speck inside a "0". */
    static final double WRITING_LEFT = 0.25;
    /** Print's strokes are at most this share of the writing's (a form's: a third or less; a marker on a form: a fifth). */
    static final double PRINT_SHARE = 0.7;
    /** Points glanced at along a path before it is looked at whole. */
    private static final int GLANCE = 32;
    /** A box's line is at most this share of its box's shorter side wide (a form's: under 4%; a digit's stroke: 10-15%)... */
    static final double MAX_PRINT_WIDTH = 0.06;
    /** ... or this many pixels, however small the box, plus two for its anti-aliased edges. */
    private static final int MIN_PRINT_WIDTH = 2;
    /** The widest a line is measured: print is thinner; where a stroke runs along it, the run stops here. */
    private static final int MAX_WIDTH = 16;

    private static final int ACROSS = 1;
    private static final int DOWN = 2;
    private static final int BAND = 3;
    private static final int FRAME = 4;
    private static final int BOX_SIDE = 5;
    private static final int RESIDUE = 6;

    private Clutter() {
    }

    /** The ink without the clutter; the same image if there is none, or if nothing but clutter would be left. */
    static InkImage remove(InkImage image) {
        Pieces pieces = Pieces.of(image);
        if (onlyBoxSides(pieces, image.width, image.height)) {
            // An empty row of boxes whose lines across RuledLines took out: its boxes' sides, nothing written.
            return new InkImage(image.width, image.height, new float[image.values.length]);
        }
        InkImage cleaned = withoutPieces(image, pieces, null);
        if (cleaned != image) {
            return cleaned;
        }
        // Nothing apart from the writing: print may be touching it.
        boolean[] erased = new boolean[image.values.length];
        int[] widest = new int[1];
        float[] unboxed = withoutBoxLines(image, pieces, erased, widest);
        if (unboxed == null) {
            return image;
        }
        InkImage opened = new InkImage(image.width, image.height, unboxed);
        Pieces openedPieces = Pieces.of(opened);
        if (allResidue(residue(openedPieces, erased, image.width, image.height))) {
            // Nothing but the lines of a box, or a row of boxes, and their crumbs: an empty form, nothing written.
            return new InkImage(image.width, image.height, new float[image.values.length]);
        }
        InkImage unprinted = withoutPieces(opened, openedPieces, erased);
        // What is left is the writing only if it is a digit's worth: its box, a share of the ink, strokes thicker than the print's.
        int[] bounds = unprinted.inkBounds(INK);
        Pieces left = Pieces.of(unprinted);
        long pixels = 0;
        long outline = 0;
        for (int p = 0; p < left.count; p++) {
            pixels += left.pixels.get(p);
            outline += left.outline.get(p);
        }
        long before = 0;
        for (int p = 0; p < pieces.count; p++) {
            before += pieces.pixels.get(p);
        }
        boolean writing = bounds != null && Math.max(bounds[2], bounds[3]) >= DIGIT_SHARE * Math.min(image.width, image.height)
                && pixels >= WRITING_LEFT * before && PRINT_SHARE * 2.0 * pixels / Math.max(1, outline) >= widest[0];
        return writing ? unprinted : image;
    }

    /** The pieces judged by their shapes and against the rest; {@code erased}: where box lines were taken out, or null. */
    private static InkImage withoutPieces(InkImage image, Pieces pieces, boolean[] erased) {
        int width = image.width;
        int height = image.height;
        int count = pieces.count;
        if (count < 2) {
            return image;
        }
        double digitSide = DIGIT_SHARE * Math.min(width, height);
        int[] nearSides = framedInk(pieces, width);
        boolean[] residue = erased == null ? new boolean[count] : residue(pieces, erased, width, height);
        // By shape first: what crosses the picture, runs along an edge, or frames another piece of a digit's size.
        int[] kind = new int[count];
        for (int p = 0; p < count; p++) {
            if (residue[p]) {
                kind[p] = RESIDUE;
            } else if ((Math.max(pieces.onLeft.get(p), pieces.onRight.get(p)) >= ALONG_EDGE * height
                    || Math.max(pieces.onTop.get(p), pieces.onBottom.get(p)) >= ALONG_EDGE * width) && pieces.depth(p, width, height) < BAND_DEPTH_PER_MILLE) {
                // Along an edge, and all of it near the edges (one, two or all four): a scanner's or a photocopy's border.
                kind[p] = BAND;
            } else if (pieces.onLeft.get(p) > 0 && pieces.onRight.get(p) > 0) {
                kind[p] = ACROSS;
            } else if (pieces.onTop.get(p) > 0 && pieces.onBottom.get(p) > 0) {
                kind[p] = DOWN;
            } else if (pieces.shortSide(p) > digitSide && nearSides[p] >= FRAME_SHARE * pieces.pixels.get(p)) {
                // (Only a box that can hold a digit: every thin dash is all "near its sides", and there may be thousands.)
                for (int q = 0; q < count && kind[p] == 0; q++) {
                    kind[p] = q != p && pieces.inside(q, p) && pieces.longSide(q) >= digitSide ? FRAME : 0;
                }
            }
        }
        if (restBox(kind, pieces) == null) {
            return image;
        }
        // A form's box whose row of lines is gone leaves its two sides: straight, thin, one on each side of the rest and
        // each as long as it. (One such stroke beside the rest is a digit's own: a 4's stem.)
        markBoxSides(kind, pieces, width, height);
        int[] rest = restBox(kind, pieces);
        if (rest == null || Math.max(rest[2] - rest[0], rest[3] - rest[1]) + 1 < digitSide) {
            return image;
        }
        int x0 = rest[0], y0 = rest[1], x1 = rest[2], y1 = rest[3];
        // Print is thinner than the writing: a piece as thick as the rest (a digit cropped edge to edge, around a speck) is writing.
        long restPixels = 0;
        long restOutline = 0;
        for (int p = 0; p < count; p++) {
            if (kind[p] == 0) {
                restPixels += pieces.pixels.get(p);
                restOutline += pieces.outline.get(p);
            }
        }
        double printWidth = PRINT_SHARE * 2.0 * restPixels / Math.max(1, restOutline);
        // A band is beside the rest: none of its ink within the rest's box.
        int[] insideRest = new int[count];
        for (int p = 0; p < count; p++) {
            if (kind[p] != BAND) {
                continue;
            }
            for (int k = pieces.first.get(p), end = k + pieces.pixels.get(p); k < end; k++) {
                int x = pieces.order[k] % width;
                int y = pieces.order[k] / width;
                insideRest[p] += x >= x0 && x <= x1 && y >= y0 && y <= y1 ? 1 : 0;
            }
        }
        // Then against the rest: a line across stops short of neither of its ends; a band lies beside it. A digit's own
        // stroke from edge to edge (a tight crop) has the rest of the digit reaching an edge as well.
        boolean[] clutter = new boolean[count + 1];
        boolean any = false;
        for (int p = 0; p < count; p++) {
            clutter[p + 1] = switch (kind[p]) {
                case ACROSS -> x0 >= CLEAR_OF_ENDS * width && x1 < (1 - CLEAR_OF_ENDS) * width && pieces.strokeWidth(p) <= printWidth;
                case DOWN -> y0 >= CLEAR_OF_ENDS * height && y1 < (1 - CLEAR_OF_ENDS) * height && pieces.strokeWidth(p) <= printWidth;
                case BAND -> insideRest[p] == 0;
                case FRAME, BOX_SIDE -> pieces.strokeWidth(p) <= printWidth;
                case RESIDUE -> true;
                default -> false;
            };
            any |= clutter[p + 1];
        }
        if (!any) {
            return image;
        }
        float[] values = image.values;
        float[] cleaned = values.clone();
        boolean[] removed = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            if (pieces.label[i] != 0 && clutter[pieces.label[i]]) {
                cleaned[i] = 0;
                removed[i] = true;
            }
        }
        // The print's faint, anti-aliased edge goes with it: what is below INK beside what was taken out.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (pieces.label[i] == 0 && cleaned[i] > 0 && near(removed, width, height, x, y, SIDE_REACH)) {
                    cleaned[i] = 0;
                }
            }
        }
        return new InkImage(width, height, cleaned);
    }

    /**
     * The ink with the box lines the writing touches taken out, marking them in {@code erased} and the widest's width in
     * {@code widest[0]}; null when no piece has them. A piece of a box's size (both sides at least twice a digit's share) is searched along each side of its own
     * box for a straight line of its ink covering {@value #SIDE_COVERAGE} of that side. A row of boxes (lines along
     * its top and bottom, the piece crossing the picture between them) has its boxes' sides standing between those:
     * every straight line down the piece covering that share of its height goes too; and a column of boxes the same
     * way turned.
     */
    private static float[] withoutBoxLines(InkImage image, Pieces pieces, boolean[] erased, int[] widest) {
        double digitSide = DIGIT_SHARE * Math.min(image.width, image.height);
        float[] values = null;
        for (int p : pieces.largest(BOXES_SEARCHED)) {
            int boxWidth = pieces.maxX.get(p) - pieces.minX.get(p) + 1;
            int boxHeight = pieces.maxY.get(p) - pieces.minY.get(p) + 1;
            if (Math.min(boxWidth, boxHeight) < 2 * digitSide) {
                continue;
            }
            int band = Math.max(3, (int) Math.round(FRAME_BAND * Math.min(boxWidth, boxHeight)));
            Line top = Line.first(image, pieces, p, false, pieces.minY.get(p), pieces.minY.get(p) + band);
            Line bottom = Line.first(image, pieces, p, false, pieces.maxY.get(p), pieces.maxY.get(p) - band);
            Line left = Line.first(image, pieces, p, true, pieces.minX.get(p), pieces.minX.get(p) + band);
            Line right = Line.first(image, pieces, p, true, pieces.maxX.get(p), pieces.maxX.get(p) - band);
            int sides = (top != null ? 1 : 0) + (bottom != null ? 1 : 0) + (left != null ? 1 : 0) + (right != null ? 1 : 0);
            boolean row = top != null && bottom != null && pieces.onLeft.get(p) > 0 && pieces.onRight.get(p) > 0;
            boolean column = left != null && right != null && pieces.onTop.get(p) > 0 && pieces.onBottom.get(p) > 0;
            if (sides < 3 && !row && !column) {
                continue;
            }
            java.util.List<Line> lines = new java.util.ArrayList<>();
            for (Line side : new Line[] {top, bottom, left, right}) {
                if (side != null) {
                    lines.add(side);
                }
            }
            if (row) {
                lines.addAll(Line.all(image, pieces, p, true, pieces.minX.get(p), pieces.maxX.get(p)));
            }
            if (column) {
                lines.addAll(Line.all(image, pieces, p, false, pieces.minY.get(p), pieces.maxY.get(p)));
            }
            if (values == null) {
                values = image.values.clone();
            }
            for (Line line : lines) {
                line.erase(values, erased, pieces, p, image.width, image.height);
                widest[0] = Math.max(widest[0], line.width);
            }
        }
        return values;
    }

    /**
     * A straight line of one piece's ink, down the picture or across it, over the piece's whole box along it: its
     * centre {@code at} where the box's middle is, its slope, and its width.
     */
    private record Line(boolean down, double at, double slope, double middle, int from, int to, int width) {
        /** The line whose near edge is nearest {@code start}, searching towards {@code end}; null when none covers {@value #SIDE_COVERAGE}. */
        static Line first(InkImage image, Pieces pieces, int p, boolean down, int start, int end) {
            int direction = end >= start ? 1 : -1;
            for (int across = start; across != end + direction; across += direction) {
                Line line = at(image, pieces, p, down, across);
                if (line != null) {
                    // The first line from the side is the side, or a stroke of the writing along it: then there is none.
                    return line.thin(pieces, p) ? line : null;
                }
            }
            return null;
        }

        /** Every line from {@code start} to {@code end}, each found once. */
        static java.util.List<Line> all(InkImage image, Pieces pieces, int p, boolean down, int start, int end) {
            java.util.List<Line> lines = new java.util.ArrayList<>();
            for (int across = start; across <= end; across++) {
                Line line = at(image, pieces, p, down, across);
                if (line != null) {
                    if (line.thin(pieces, p)) {
                        lines.add(line);
                    }
                    across = (int) Math.ceil(line.at + line.width / 2.0) + SIDE_REACH;
                }
            }
            return lines;
        }

        /** A line through {@code across} (at the box's middle) at any slope searched, centred on its ink; or null. */
        private static Line at(InkImage image, Pieces pieces, int p, boolean down, int across) {
            int from = down ? pieces.minY.get(p) : pieces.minX.get(p);
            int to = down ? pieces.maxY.get(p) : pieces.maxX.get(p);
            double middle = (from + to) / 2.0;
            int allowed = (int) ((1 - SIDE_COVERAGE) * (to - from + 1));
            int steps = (int) Math.round(MAX_SLOPE / SLOPE_STEP);
            int glanceStride = Math.max(1, (to - from + 1) / GLANCE);
            int glanceAllowed = (int) (((to - from + 1) / glanceStride) * (1.1 - SIDE_COVERAGE));
            for (int step = -steps; step <= steps; step++) {
                double slope = step * SLOPE_STEP;
                // A glance at GLANCE points first, as RuledLines does: most paths miss at once.
                int misses = 0;
                for (int along = from; along <= to && misses <= glanceAllowed; along += glanceStride) {
                    misses += onPath(image, pieces, p, down, along, Math.round(across + slope * (along - middle))) ? 0 : 1;
                }
                if (misses > glanceAllowed) {
                    continue;
                }
                misses = 0;
                for (int along = from; along <= to && misses <= allowed; along++) {
                    misses += onPath(image, pieces, p, down, along, Math.round(across + slope * (along - middle))) ? 0 : 1;
                }
                if (misses <= allowed) {
                    return centred(image, pieces, p, down, across, slope, middle, from, to);
                }
            }
            return null;
        }

        /** The line through the middle of the ink the path found runs in: the median run across it, and its middle. */
        private static Line centred(InkImage image, Pieces pieces, int p, boolean down, int across, double slope, double middle, int from, int to) {
            int[] widths = new int[to - from + 1];
            int[] shifts = new int[to - from + 1];
            int found = 0;
            for (int along = from; along <= to; along++) {
                int centre = (int) Math.round(across + slope * (along - middle));
                int seed = inked(image, pieces, p, down, along, centre) ? centre : inked(image, pieces, p, down, along, centre - 1) ? centre - 1
                        : inked(image, pieces, p, down, along, centre + 1) ? centre + 1 : Integer.MIN_VALUE;
                if (seed == Integer.MIN_VALUE) {
                    continue;
                }
                // As far as the ink goes both ways, at most MAX_WIDTH: where a stroke runs along the line, no further.
                int first = seed;
                int last = seed;
                while (seed - first < MAX_WIDTH && inked(image, pieces, p, down, along, first - 1)) {
                    first--;
                }
                while (last - seed < MAX_WIDTH && inked(image, pieces, p, down, along, last + 1)) {
                    last++;
                }
                widths[found] = last - first + 1;
                shifts[found++] = first + last - 2 * centre; // twice the run's middle's offset from the path
            }
            Arrays.sort(widths, 0, found);
            Arrays.sort(shifts, 0, found);
            return new Line(down, across + shifts[found / 2] / 2.0, slope, middle, from, to, widths[found / 2]);
        }

        /** Print is thin next to the box it draws; a path inside a thick stroke is the writing (a tight crop). */
        boolean thin(Pieces pieces, int p) {
            return width <= Math.max(MIN_PRINT_WIDTH, MAX_PRINT_WIDTH * pieces.shortSide(p)) + 2;
        }

        /** Takes the line out of piece {@code p}'s ink: half its width and {@value #SIDE_REACH} pixels more either side. */
        void erase(float[] values, boolean[] erased, Pieces pieces, int p, int width, int height) {
            int reach = this.width / 2 + SIDE_REACH;
            for (int along = from; along <= to; along++) {
                int centre = (int) Math.round(at + slope * (along - middle));
                for (int across = centre - reach; across <= centre + reach; across++) {
                    int x = down ? across : along;
                    int y = down ? along : across;
                    if (x < 0 || y < 0 || x >= width || y >= height) {
                        continue;
                    }
                    int i = y * width + x;
                    if (pieces.label[i] == p + 1 || pieces.label[i] == 0) {
                        values[i] = 0;
                        erased[i] = true;
                    }
                }
            }
        }
    }

    /** The piece's ink on the path's pixel or the one beside it on either side. */
    private static boolean onPath(InkImage image, Pieces pieces, int p, boolean down, int along, long centre) {
        int across = (int) centre;
        return inked(image, pieces, p, down, along, across) || inked(image, pieces, p, down, along, across - 1)
                || inked(image, pieces, p, down, along, across + 1);
    }

    private static boolean inked(InkImage image, Pieces pieces, int p, boolean down, int along, int across) {
        int x = down ? across : along;
        int y = down ? along : across;
        if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
            return false;
        }
        return pieces.label[y * image.width + x] == p + 1;
    }

    /**
     * Nothing but the sides of a row (or a column) of boxes: two or more straight pieces, as thin as print across the
     * picture must be ({@link RuledLines#MAX_PRINT_WIDTH}), all down the picture or all across it, each at least twice a
     * digit's size, level with one another (each spans the first's extent along them, within a tenth) and further apart
     * than half their length. Writing is not that: a "1" is one straight stroke, and a digit's strokes meet or stand
     * close; two parallel hairlines far apart are at most "11", not a digit.
     */
    private static boolean onlyBoxSides(Pieces pieces, int width, int height) {
        if (pieces.count < 2) {
            return false;
        }
        double digitSide = DIGIT_SHARE * Math.min(width, height);
        // As thin as the lines across they stood between had to be to be taken out as print.
        double printWidth = Math.max(MIN_PRINT_WIDTH, RuledLines.MAX_PRINT_WIDTH * Math.min(width, height)) + 2;
        boolean down = pieces.maxY.get(0) - pieces.minY.get(0) > pieces.maxX.get(0) - pieces.minX.get(0);
        IntList from = down ? pieces.minY : pieces.minX;
        IntList to = down ? pieces.maxY : pieces.maxX;
        IntList start = down ? pieces.minX : pieces.minY;
        IntList end = down ? pieces.maxX : pieces.maxY;
        Integer[] byStart = new Integer[pieces.count];
        for (int p = 0; p < pieces.count; p++) {
            int length = to.get(p) - from.get(p) + 1;
            int across = end.get(p) - start.get(p) + 1;
            boolean straight = across <= Math.max(MIN_PRINT_WIDTH + 2, 0.1 * length);
            boolean thin = pieces.strokeWidth(p) <= printWidth;
            int slack = length / 10 + 1;
            boolean level = Math.abs(from.get(p) - from.get(0)) <= slack && Math.abs(to.get(p) - to.get(0)) <= slack;
            if (!straight || !thin || !level || length < 2 * digitSide) {
                return false;
            }
            byStart[p] = p;
        }
        // (Every piece is at least a sixth of the picture's shorter side long and half that apart: a handful, at most.)
        Arrays.sort(byStart, java.util.Comparator.comparingInt(start::get));
        for (int k = 1; k < byStart.length; k++) {
            int length = to.get(byStart[k]) - from.get(byStart[k]) + 1;
            if (start.get(byStart[k]) - end.get(byStart[k - 1]) < length / 2) {
                return false;
            }
        }
        return true;
    }

    private static boolean allResidue(boolean[] residue) {
        for (boolean crumb : residue) {
            if (!crumb) {
                return false;
            }
        }
        return true;
    }

    /** Pieces lying wholly within {@value #SIDE_REACH} pixels of taken-out box lines: what is left of the lines. */
    private static boolean[] residue(Pieces pieces, boolean[] erased, int width, int height) {
        boolean[] apart = new boolean[pieces.count];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = pieces.label[y * width + x] - 1;
                if (p >= 0 && !apart[p] && !near(erased, width, height, x, y, SIDE_REACH)) {
                    apart[p] = true;
                }
            }
        }
        boolean[] residue = new boolean[pieces.count];
        for (int p = 0; p < pieces.count; p++) {
            residue[p] = !apart[p];
        }
        return residue;
    }

    private static boolean near(boolean[] mask, int width, int height, int x, int y, int reach) {
        for (int ny = Math.max(0, y - reach); ny <= Math.min(height - 1, y + reach); ny++) {
            for (int nx = Math.max(0, x - reach); nx <= Math.min(width - 1, x + reach); nx++) {
                if (mask[ny * width + nx]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The box around the pieces of no kind; null when there are none. */
    private static int[] restBox(int[] kind, Pieces pieces) {
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int p = 0; p < pieces.count; p++) {
            if (kind[p] == 0) {
                x0 = Math.min(x0, pieces.minX.get(p));
                y0 = Math.min(y0, pieces.minY.get(p));
                x1 = Math.max(x1, pieces.maxX.get(p));
                y1 = Math.max(y1, pieces.maxY.get(p));
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1, y1};
    }

    /**
     * Marks as {@link #BOX_SIDE} the straight, thin pieces that stand on both sides of the rest (left and right, or
     * above and below), each covering the rest's whole extent along it.
     */
    private static void markBoxSides(int[] kind, Pieces pieces, int width, int height) {
        int count = pieces.count;
        boolean[] straight = new boolean[count];
        for (int p = 0; p < count; p++) {
            int w = pieces.maxX.get(p) - pieces.minX.get(p) + 1;
            int h = pieces.maxY.get(p) - pieces.minY.get(p) + 1;
            straight[p] = kind[p] == 0 && Math.min(w, h) <= Math.max(4, 0.1 * Math.max(w, h));
        }
        // The middle: the pieces that are not straight; a "1" alone between its box's sides is straight too: then the
        // straight piece nearest the picture's middle.
        int[] middle = null;
        int nearest = -1;
        double best = Double.MAX_VALUE;
        for (int p = 0; p < count; p++) {
            if (kind[p] != 0) {
                continue;
            }
            int[] box = {pieces.minX.get(p), pieces.minY.get(p), pieces.maxX.get(p), pieces.maxY.get(p)};
            if (!straight[p]) {
                middle = middle == null ? box
                        : new int[] {Math.min(middle[0], box[0]), Math.min(middle[1], box[1]), Math.max(middle[2], box[2]), Math.max(middle[3], box[3])};
                continue;
            }
            double dx = (box[0] + box[2]) / 2.0 - width / 2.0;
            double dy = (box[1] + box[3]) / 2.0 - height / 2.0;
            if (dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                nearest = p;
            }
        }
        if (middle == null) {
            if (nearest < 0) {
                return;
            }
            middle = new int[] {pieces.minX.get(nearest), pieces.minY.get(nearest), pieces.maxX.get(nearest), pieces.maxY.get(nearest)};
        }
        // Taking out the row's lines shortened the sides by their width: a side covers the middle within a tenth of it.
        int slackDown = (middle[3] - middle[1]) / 10 + 1;
        int slackAcross = (middle[2] - middle[0]) / 10 + 1;
        boolean[] beside = new boolean[4]; // left, right, above, below
        int[] where = new int[count];
        for (int p = 0; p < count; p++) {
            where[p] = -1;
            if (!straight[p]) {
                continue;
            }
            boolean spansDown = pieces.minY.get(p) <= middle[1] + slackDown && pieces.maxY.get(p) >= middle[3] - slackDown;
            boolean spansAcross = pieces.minX.get(p) <= middle[0] + slackAcross && pieces.maxX.get(p) >= middle[2] - slackAcross;
            where[p] = spansDown && pieces.maxX.get(p) < middle[0] ? 0 : spansDown && pieces.minX.get(p) > middle[2] ? 1
                    : spansAcross && pieces.maxY.get(p) < middle[1] ? 2 : spansAcross && pieces.minY.get(p) > middle[3] ? 3 : -1;
            if (where[p] >= 0) {
                beside[where[p]] = true;
            }
        }
        for (int p = 0; p < count; p++) {
            boolean pair = where[p] >= 0 && (where[p] < 2 ? beside[0] && beside[1] : beside[2] && beside[3]);
            if (pair) {
                kind[p] = BOX_SIDE;
            }
        }
    }

    /** Per piece, how many of its pixels lie within {@link #FRAME_BAND} of its own box's sides. */
    private static int[] framedInk(Pieces pieces, int width) {
        int[] near = new int[pieces.count];
        for (int p = 0; p < pieces.count; p++) {
            int band = Math.max(2, (int) Math.round(FRAME_BAND * pieces.shortSide(p)));
            int x0 = pieces.minX.get(p), x1 = pieces.maxX.get(p), y0 = pieces.minY.get(p), y1 = pieces.maxY.get(p);
            for (int k = pieces.first.get(p), end = k + pieces.pixels.get(p); k < end; k++) {
                int x = pieces.order[k] % width;
                int y = pieces.order[k] / width;
                if (Math.min(Math.min(x - x0, x1 - x), Math.min(y - y0, y1 - y)) < band) {
                    near[p]++;
                }
            }
        }
        return near;
    }

    /**
     * The ink's 8-connected pieces above {@link #INK}: a label per pixel (0 for none, piece + 1), and per piece its size, box
     * and edge pixels. {@link RuledLines} splits the ink off its lines with it too.
     */
    static final class Pieces {
        final int[] label;
        int count;
        final IntList pixels = new IntList();
        final IntList minX = new IntList();
        final IntList minY = new IntList();
        final IntList maxX = new IntList();
        final IntList maxY = new IntList();
        final IntList onLeft = new IntList();
        final IntList onRight = new IntList();
        final IntList onTop = new IntList();
        final IntList onBottom = new IntList();
        /** Pixel sides facing no ink: with the pixels, a piece's mean stroke width (twice the area over the outline). */
        final IntList outline = new IntList();

        /** Every piece's pixels, one piece after another: piece p's from {@code first.get(p)}, {@code pixels.get(p)} of them. */
        final int[] order;
        final IntList first = new IntList();

        private Pieces(int size) {
            label = new int[size];
            order = new int[size];
        }

        static Pieces of(InkImage image) {
            int width = image.width;
            int height = image.height;
            float[] values = image.values;
            Pieces pieces = new Pieces(values.length);
            int[] label = pieces.label;
            int[] queue = pieces.order;
            int tail = 0;
            for (int start = 0; start < values.length; start++) {
                if (label[start] != 0 || values[start] <= INK) {
                    continue;
                }
                int piece = ++pieces.count;
                int begin = tail;
                int head = tail;
                queue[tail++] = start;
                label[start] = piece;
                int x0 = width, y0 = height, x1 = -1, y1 = -1, left = 0, right = 0, top = 0, bottom = 0, sides = 0;
                while (head < tail) {
                    int i = queue[head++];
                    int x = i % width;
                    int y = i / width;
                    sides += (x == 0 || values[i - 1] <= INK ? 1 : 0) + (x == width - 1 || values[i + 1] <= INK ? 1 : 0)
                            + (y == 0 || values[i - width] <= INK ? 1 : 0) + (y == height - 1 || values[i + width] <= INK ? 1 : 0);
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                    left += x == 0 ? 1 : 0;
                    right += x == width - 1 ? 1 : 0;
                    top += y == 0 ? 1 : 0;
                    bottom += y == height - 1 ? 1 : 0;
                    for (int ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
                        for (int nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
                            int n = ny * width + nx;
                            if (label[n] == 0 && values[n] > INK) {
                                label[n] = piece;
                                queue[tail++] = n;
                            }
                        }
                    }
                }
                pieces.first.add(begin);
                pieces.pixels.add(tail - begin);
                pieces.minX.add(x0);
                pieces.minY.add(y0);
                pieces.maxX.add(x1);
                pieces.maxY.add(y1);
                pieces.onLeft.add(left);
                pieces.onRight.add(right);
                pieces.onTop.add(top);
                pieces.onBottom.add(bottom);
                pieces.outline.add(sides);
            }
            return pieces;
        }

        /** Whether piece q's box lies strictly inside piece p's. */
        boolean inside(int q, int p) {
            return minX.get(q) > minX.get(p) && maxX.get(q) < maxX.get(p) && minY.get(q) > minY.get(p) && maxY.get(q) < maxY.get(p);
        }

        /** The {@code n} pieces with the largest boxes, largest first: one pass, however many pieces there are. */
        int[] largest(int n) {
            int[] top = new int[Math.min(n, count)];
            int filled = 0;
            for (int p = 0; p < count; p++) {
                int at = filled < top.length ? filled++ : top.length;
                while (at > 0 && boxArea(top[at - 1]) < boxArea(p)) {
                    if (at < top.length) {
                        top[at] = top[at - 1];
                    }
                    at--;
                }
                if (at < top.length) {
                    top[at] = p;
                }
            }
            return top;
        }

        private long boxArea(int p) {
            return (long) (maxX.get(p) - minX.get(p) + 1) * (maxY.get(p) - minY.get(p) + 1);
        }

        /** How far piece p's ink reaches from the picture's nearest edge, at most, in thousandths of the side across. */
        int depth(int p, int width, int height) {
            int deepest = 0;
            for (int k = first.get(p), end = k + pixels.get(p); k < end; k++) {
                int x = order[k] % width;
                int y = order[k] / width;
                deepest = Math.max(deepest, Math.min(1000 * Math.min(x, width - 1 - x) / width, 1000 * Math.min(y, height - 1 - y) / height));
            }
            return deepest;
        }

        double strokeWidth(int p) {
            return 2.0 * pixels.get(p) / Math.max(1, outline.get(p));
        }

        int shortSide(int p) {
            return Math.min(maxX.get(p) - minX.get(p), maxY.get(p) - minY.get(p)) + 1;
        }

        int longSide(int p) {
            return Math.max(maxX.get(p) - minX.get(p), maxY.get(p) - minY.get(p)) + 1;
        }
    }

    /** A growable list of ints: one per piece, without boxing. */
    static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }
    }
}
