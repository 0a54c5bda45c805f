package io.inkstream.mnist;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws an MNIST digit as people really send one: photographed or scanned, tilted, lit unevenly,
 * on ruled or tinted paper, blurred, in a large frame, as chalk on a board, or straight off a phone,
 * one {@link Condition} at a time, encoded as PNG, JPEG, GIF or BMP. What {@code inkstream evaluate
 * --real-world} measures models and the preprocessing on.
 *
 * <p>Everything comes from the seed: the same digit, condition and seed give the same bytes. Each
 * condition is harsher than what most people send, on purpose: the point is to find where reading
 * fails. The digit is drawn by mapping every pixel of the picture back into the 28 x 28 field
 * (a rotation, a scale and a perspective, one homography) and sampling it bilinearly, then strokes
 * are widened or narrowed, the paper and its light are painted under it, and blur, sensor noise and
 * the encoder's losses come last, in the order a camera adds them.
 */
public final class RealWorldRenders {
    /** Uploads above this are refused by the pipeline's default limit; a render is kept under it. */
    private static final int MAX_BYTES = 1 << 20;

    /** What makes a render hard. */
    public enum Condition {
        /** Dark ink on white paper, large, nearly upright: what every other condition departs from. */
        CLEAN(Format.ALL),
        /** Written or photographed at 15-30 degrees. */
        TILTED(Format.ALL),
        /** Paper photographed at an angle: the far side smaller (a keystone in both directions). */
        PERSPECTIVE(Format.ALL),
        /** Light falling off across the page to half its strength, and a soft shadow whose edge crosses the digit. */
        UNEVEN_LIGHT(Format.ALL),
        /** Ruled notebook paper with its texture, up to 2.5 degrees askew: blue lines through the digit, a red margin line. */
        RULED_PAPER(Format.ALL),
        /** Out of focus: a Gaussian blur of 0.6-1.2 of MNIST's pixels. */
        BLURRED(Format.ALL),
        /** JPEG at quality 8-25%: blocks and ringing around every stroke. */
        LOW_QUALITY_JPEG(List.of(Format.JPEG)),
        /** A thick marker: strokes about twice MNIST's. */
        MARKER(Format.ALL),
        /** A fine pen: one continuous line along the strokes, a third to a quarter of MNIST's stroke width. */
        FINE_PEN(Format.ALL),
        /** A small digit anywhere in a large frame. */
        OFF_CENTRE(Format.ALL),
        /** Light ink on a dark ground: chalk on a board, a drawing app in dark mode. */
        INVERTED(Format.ALL),
        /** Coloured ink on coloured paper: a blue or red pen on a sticky note. */
        TINTED(Format.ALL),
        /** A phone's photo: 1200-1600 px, the digit a third of the frame, a colour cast, sensor noise, a little blur. */
        PHONE_PHOTO(List.of(Format.JPEG)),
        /**
         * The same photo as a phone stores it: its pixels as the sensor lay, on their side or upside down, and an EXIF
         * Orientation tag (6, 8 or 3) saying how to turn them; whoever looks at it sees the digit upright.
         */
        PHONE_PHOTO_TURNED(List.of(Format.JPEG)),
        /**
         * Written on a printed form: in a box of a row of boxes (the row's lines running across the picture), in a box of
         * its own, or on a line to write on, the print as dark as the writing, up to 2 degrees askew; large digits touch
         * or cross the print, as people's do.
         */
        FORM(Format.ALL),
        /** A note photographed on a desk: the page, up to 15 degrees askew, fills 55-90% of the frame, a dark desk around it. */
        NOTE_ON_DESK(List.of(Format.JPEG)),
        /**
         * Light pencil on textured paper: graphite of 175-210 on paper of 232-255, each pixel of a stroke covered up to
         * 50-80% less at random, so the strokes lie 15-60 levels below the paper where ink lies 160-240.
         */
        PENCIL(Format.ALL),
        /** Squared paper: light lines across and down every 0.2-0.35 of the digit's height, up to 2.5 degrees askew. */
        SQUARED_PAPER(Format.ALL),
        /** Glare on glossy paper or a whiteboard: a soft spot of reflected light over part of the digit, washing its ink out. */
        GLARE(List.of(Format.JPEG, Format.PNG));

        private final List<Format> formats;

        Condition(List<Format> formats) {
            this.formats = formats;
        }

        /** How the condition is named in reports: {@code uneven-light}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The formats a render of this condition comes in. */
        public List<Format> formats() {
            return formats;
        }
    }

    /** How a render is encoded. */
    public enum Format {
        PNG, JPEG, GIF, BMP;

        static final List<Format> ALL = List.of(values());

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One rendered upload: {@code width} x {@code height} as its file stores the pixels. */
    public record Render(Condition condition, Format format, int width, int height, byte[] bytes) {
    }

    private RealWorldRenders() {
    }

    /**
     * @param mnist     784 bytes, 0 = background, 255 = ink
     * @param condition what makes it hard
     * @param seed      everything random about the render comes from it
     */
    public static Render render(byte[] mnist, Condition condition, long seed) {
        if (mnist.length != 28 * 28) {
            throw new IllegalArgumentException("an MNIST digit is 784 bytes, not " + mnist.length);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Scene scene = Scene.of(condition, random);
        Format format = condition.formats().get(random.nextInt(condition.formats().size()));
        Canvas canvas = new Canvas(scene.width, scene.height);
        float[] ink = inkCoverage(mnist, scene);
        canvas.paint(scene, ink, random);
        if (scene.blur > 0) {
            canvas.blur(scene.blur, scene.colour);
        }
        if (scene.noise > 0) {
            canvas.addNoise(scene.noise, random);
        }
        BufferedImage image = canvas.toImage(scene.colour);
        if (condition == Condition.PHONE_PHOTO_TURNED) {
            // Held upright (6: turn a quarter clockwise to view), the other way (8), or upside down (3).
            int orientation = new int[] {6, 8, 3}[random.nextInt(3)];
            // Stored as the viewer's turn undone: a quarter clockwise three times for 6, once for 8, twice for 3.
            BufferedImage stored = DigitRenderer.quarterTurnsClockwise(image, orientation == 6 ? 3 : orientation == 8 ? 1 : 2);
            byte[] jpeg = encode(stored, format, scene.jpegQuality, MAX_BYTES - DigitRenderer.JPEG_EXIF_ORIENTATION_BYTES);
            byte[] bytes = DigitRenderer.withExifOrientation(jpeg, orientation);
            return new Render(condition, format, stored.getWidth(), stored.getHeight(), bytes);
        }
        byte[] bytes = encode(image, format, scene.jpegQuality, MAX_BYTES);
        return new Render(condition, format, scene.width, scene.height, bytes);
    }

    private static byte[] encode(BufferedImage image, Format format, float jpegQuality, int maxBytes) {
        if (format == Format.JPEG) {
            float quality = jpegQuality;
            byte[] bytes = DigitRenderer.jpeg(image, quality);
            while (bytes.length > maxBytes && quality > 0.3f) { // a noisy phone photo: as a phone would, compress harder
                quality -= 0.1f;
                bytes = DigitRenderer.jpeg(image, quality);
            }
            return bytes;
        }
        return switch (format) {
            case PNG -> DigitRenderer.png(image);
            case GIF -> DigitRenderer.gif(image);
            case BMP -> DigitRenderer.bmp(image);
            case JPEG -> throw new AssertionError();
        };
    }

    /** Where the digit's ink covers each pixel of the picture, from 0 to 1. */
    private static float[] inkCoverage(byte[] mnist, Scene scene) {
        float[] field = new float[28 * 28];
        for (int i = 0; i < field.length; i++) {
            field[i] = (mnist[i] & 0xff) / 255f;
        }
        double[] toDigit = invert(scene.digitToCanvas());
        float[] ink = new float[scene.width * scene.height];
        int[] box = scene.box(); // the digit's bounding box in the picture, widened for the stroke filters
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                double w = toDigit[6] * px + toDigit[7] * py + toDigit[8];
                double u = (toDigit[0] * px + toDigit[1] * py + toDigit[2]) / w - 0.5;
                double v = (toDigit[3] * px + toDigit[4] * py + toDigit[5]) / w - 0.5;
                ink[y * scene.width + x] = bilinear(field, u, v);
            }
        }
        if (scene.penWidth > 0) {
            return penAlongSkeleton(ink, scene.width, scene.height, box, scene.penWidth);
        }
        if (scene.strokeRadius > 0) {
            ink = widen(ink, scene.width, scene.height, box, scene.strokeRadius);
        }
        return ink;
    }

    /**
     * The digit as a fine pen draws it: one continuous line of the given width along the middle of
     * its strokes. (Narrowing MNIST's strokes by a minimum filter instead broke them wherever the
     * scan was faint, which no pen does.) The strokes are thinned to their skeleton (Zhang and Suen,
     * 1984), which keeps every stroke connected, then drawn with a round nib and its edge softened.
     */
    private static float[] penAlongSkeleton(float[] ink, int width, int height, int[] box, double penWidth) {
        int boxWidth = box[2] - box[0];
        int boxHeight = box[3] - box[1];
        boolean[] mask = new boolean[boxWidth * boxHeight];
        for (int y = 0; y < boxHeight; y++) {
            for (int x = 0; x < boxWidth; x++) {
                mask[y * boxWidth + x] = ink[(y + box[1]) * width + x + box[0]] > 0.35f;
            }
        }
        thin(mask, boxWidth, boxHeight);
        float[] pen = new float[ink.length];
        double radius = penWidth / 2;
        int reach = (int) Math.ceil(radius + 1);
        for (int y = 0; y < boxHeight; y++) {
            for (int x = 0; x < boxWidth; x++) {
                if (!mask[y * boxWidth + x]) {
                    continue;
                }
                for (int dy = -reach; dy <= reach; dy++) {
                    for (int dx = -reach; dx <= reach; dx++) {
                        int px = x + box[0] + dx;
                        int py = y + box[1] + dy;
                        if (px < 0 || py < 0 || px >= width || py >= height) {
                            continue;
                        }
                        // Coverage of a round nib, its edge one pixel wide.
                        float cover = (float) Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(dx, dy)));
                        pen[py * width + px] = Math.max(pen[py * width + px], cover);
                    }
                }
            }
        }
        return pen;
    }

    /** Zhang-Suen thinning in place: peels the strokes' outer pixels, two sub-passes at a time, down to lines one pixel wide. */
    static void thin(boolean[] mask, int width, int height) {
        boolean changed = true;
        java.util.List<Integer> peel = new java.util.ArrayList<>();
        while (changed) {
            changed = false;
            for (int pass = 0; pass < 2; pass++) {
                peel.clear();
                for (int y = 1; y < height - 1; y++) {
                    for (int x = 1; x < width - 1; x++) {
                        if (!mask[y * width + x]) {
                            continue;
                        }
                        // Neighbours clockwise from north: p2 .. p9.
                        boolean[] p = {
                            mask[(y - 1) * width + x], mask[(y - 1) * width + x + 1], mask[y * width + x + 1], mask[(y + 1) * width + x + 1],
                            mask[(y + 1) * width + x], mask[(y + 1) * width + x - 1], mask[y * width + x - 1], mask[(y - 1) * width + x - 1]};
                        int neighbours = 0;
                        int transitions = 0;
                        for (int k = 0; k < 8; k++) {
                            neighbours += p[k] ? 1 : 0;
                            transitions += !p[k] && p[(k + 1) % 8] ? 1 : 0;
                        }
                        boolean side = pass == 0 ? !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6])
                                : !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]);
                        if (neighbours >= 2 && neighbours <= 6 && transitions == 1 && side) {
                            peel.add(y * width + x);
                        }
                    }
                }
                for (int i : peel) {
                    mask[i] = false;
                }
                changed |= !peel.isEmpty();
            }
        }
    }

    private static float bilinear(float[] field, double u, double v) {
        if (u <= -1 || v <= -1 || u >= 28 || v >= 28) {
            return 0;
        }
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        double fx = u - x0;
        double fy = v - y0;
        double top = sample(field, x0, y0) * (1 - fx) + sample(field, x0 + 1, y0) * fx;
        double bottom = sample(field, x0, y0 + 1) * (1 - fx) + sample(field, x0 + 1, y0 + 1) * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    private static float sample(float[] field, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : field[y * 28 + x];
    }

    /** Wider strokes: a square maximum filter of the given radius, separable, inside the box only. */
    private static float[] widen(float[] ink, int width, int height, int[] box, int radius) {
        float[] rows = new float[ink.length];
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                float best = ink[y * width + x];
                for (int d = -radius; d <= radius; d++) {
                    int xx = Math.max(0, Math.min(width - 1, x + d));
                    float value = ink[y * width + xx];
                    best = Math.max(best, value);
                }
                rows[y * width + x] = best;
            }
        }
        float[] out = new float[ink.length];
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                float best = rows[y * width + x];
                for (int d = -radius; d <= radius; d++) {
                    int yy = Math.max(box[1], Math.min(box[3] - 1, y + d));
                    float value = rows[yy * width + x];
                    best = Math.max(best, value);
                }
                out[y * width + x] = best;
            }
        }
        return out;
    }

    /** The inverse of a 3 x 3 matrix, row-major. */
    static double[] invert(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double co0 = e * i - f * h;
        double co1 = -(d * i - f * g);
        double co2 = d * h - e * g;
        double det = a * co0 + b * co1 + c * co2;
        if (Math.abs(det) < 1e-12) {
            throw new IllegalStateException("a degenerate mapping: " + Arrays.toString(m));
        }
        return new double[] {
            co0 / det, -(b * i - c * h) / det, (b * f - c * e) / det,
            co1 / det, (a * i - c * g) / det, -(a * f - c * d) / det,
            co2 / det, -(a * h - b * g) / det, (a * e - b * d) / det};
    }

    static double[] multiply(double[] p, double[] q) {
        double[] r = new double[9];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                r[row * 3 + col] = p[row * 3] * q[col] + p[row * 3 + 1] * q[3 + col] + p[row * 3 + 2] * q[6 + col];
            }
        }
        return r;
    }

    /** Everything about one render but the digit: drawn from the random stream for a condition. */
    private static final class Scene {
        int width;
        int height;
        double side;
        double centreX;
        double centreY;
        double rotation;
        /** Perspective: the homography's last row, per pixel from the digit's centre. */
        double keystoneX;
        double keystoneY;
        float[] paper;
        float[] ink;
        boolean colour;
        /** Light: multiplies the picture from 1 at one side to this at the other. */
        double lightFloor = 1;
        double lightAngle;
        /** A shadow: the picture darkened to this beyond a soft edge through (shadowX, shadowY). */
        double shadow = 1;
        double shadowX;
        double shadowY;
        double shadowAngle;
        double texture;
        double grain;
        double ruledSpacing;
        /** The page askew under the camera: the ruling's rise over run. */
        double ruleSlope;
        float[] ruleColour;
        double marginX = -1;
        /** A printed form: 0 none, 1 a box in a row of boxes, 2 a box of its own, 3 a line to write on. */
        int form;
        /** The form's box around the digit's centre (half its width and height) or the line's height below the centre. */
        double formHalfWidth;
        double formHalfHeight;
        double formX;
        double formY;
        double formSlope;
        double formLineWidth;
        float formInk;
        /** A note on a desk: the page's half sides and turn around the picture's (pageX, pageY); the desk's colour. */
        double pageHalfWidth;
        double pageHalfHeight;
        double pageX;
        double pageY;
        double pageAngle;
        float[] desk;
        /** Pencil: each pixel of a stroke covered by up to this share less, at random (graphite is patchy). */
        double graphite;
        /** Squared paper: the ruling's lines run down the page as well. */
        boolean squared;
        /** Glare: light reflected at up to this share of white, falling off as a Gaussian of the radius around (glareX, glareY). */
        double glare;
        double glareX;
        double glareY;
        double glareRadius;
        /** Widens the strokes by that many pixels. */
        int strokeRadius;
        /** A fine pen's line width in pixels, drawn along the strokes' skeleton; 0 for the digit's own strokes. */
        double penWidth;
        double blur;
        double noise;
        float jpegQuality;

        static Scene of(Condition condition, SplittableRandom random) {
            Scene s = new Scene();
            s.width = between(random, 200, 500);
            s.height = condition == Condition.CLEAN ? s.width : between(random, 200, 500);
            int shortSide = Math.min(s.width, s.height);
            s.side = shortSide * uniform(random, 0.55, 0.8);
            s.centreX = s.width / 2.0 + uniform(random, -0.08, 0.08) * s.width;
            s.centreY = s.height / 2.0 + uniform(random, -0.08, 0.08) * s.height;
            s.rotation = Math.toRadians(uniform(random, -5, 5));
            float paper = (float) uniform(random, 232, 255);
            s.paper = new float[] {paper, paper, paper};
            float ink = (float) uniform(random, 15, 70);
            s.ink = new float[] {ink, ink, ink};
            s.texture = 3;
            s.grain = 2;
            s.jpegQuality = (float) uniform(random, 0.7, 0.9);
            switch (condition) {
                case CLEAN -> {
                    s.texture = 0;
                    s.grain = 0;
                }
                case TILTED -> s.rotation = Math.toRadians(uniform(random, 15, 30) * (random.nextBoolean() ? 1 : -1));
                case PERSPECTIVE -> {
                    // w = 1 + kx x + ky y over the digit's half side: up to 0.3 of a change of scale from one edge to the other
                    s.keystoneX = uniform(random, 0.12, 0.3) * (random.nextBoolean() ? 1 : -1) / (s.side / 2);
                    s.keystoneY = uniform(random, 0.12, 0.3) * (random.nextBoolean() ? 1 : -1) / (s.side / 2);
                }
                case UNEVEN_LIGHT -> {
                    s.lightFloor = uniform(random, 0.4, 0.6);
                    s.lightAngle = uniform(random, 0, 2 * Math.PI);
                    s.shadow = uniform(random, 0.5, 0.7);
                    s.shadowAngle = uniform(random, 0, 2 * Math.PI);
                    s.shadowX = s.centreX + uniform(random, -0.3, 0.3) * s.side;
                    s.shadowY = s.centreY + uniform(random, -0.3, 0.3) * s.side;
                    s.texture = 5;
                }
                case RULED_PAPER -> {
                    s.ruledSpacing = s.side * uniform(random, 0.4, 0.75);
                    s.ruleSlope = Math.tan(Math.toRadians(uniform(random, -2.5, 2.5)));
                    s.ruleColour = new float[] {(float) uniform(random, 120, 170), (float) uniform(random, 160, 200), 235};
                    s.marginX = s.centreX + (random.nextBoolean() ? -1 : 1) * uniform(random, 0.2, 0.6) * s.side;
                    s.texture = 10;
                    s.grain = 4;
                    s.colour = true;
                }
                case BLURRED -> s.blur = s.side / 28 * uniform(random, 0.6, 1.2);
                case LOW_QUALITY_JPEG -> s.jpegQuality = (float) uniform(random, 0.08, 0.25);
                case MARKER -> s.strokeRadius = (int) Math.round(s.side / 28 * uniform(random, 0.9, 1.5));
                case FINE_PEN -> s.penWidth = Math.max(1.5, s.side / 28 * uniform(random, 0.6, 1.0));
                case OFF_CENTRE -> {
                    s.width = between(random, 600, 900);
                    s.height = between(random, 500, 800);
                    s.side = between(random, 50, 90);
                    s.centreX = uniform(random, s.side, s.width - s.side);
                    s.centreY = uniform(random, s.side, s.height - s.side);
                }
                case INVERTED -> {
                    boolean board = random.nextBoolean();
                    float ground = (float) uniform(random, 20, 60);
                    s.paper = board ? new float[] {ground * 0.8f, ground * 1.2f, ground} : new float[] {ground, ground, ground};
                    float chalk = (float) uniform(random, 200, 250);
                    s.ink = new float[] {chalk, chalk, chalk};
                    s.texture = board ? 12 : 2;
                    s.grain = board ? 5 : 1;
                    s.colour = board;
                }
                case TINTED -> {
                    float[][] papers = {{252, 236, 130}, {250, 205, 215}, {200, 230, 250}, {205, 240, 200}};
                    float[][] pens = {{25, 45, 150}, {170, 25, 30}, {20, 110, 40}, {60, 30, 120}};
                    s.paper = papers[random.nextInt(papers.length)];
                    s.ink = pens[random.nextInt(pens.length)];
                    s.texture = 4;
                    s.colour = true;
                }
                case FORM -> {
                    s.form = 1 + random.nextInt(3);
                    s.side = shortSide * uniform(random, 0.4, 0.55);
                    // Inside, the box is 0.8-1.4 of the digit's field (its ink 0.7 of it): large digits touch or cross it.
                    s.formHalfWidth = s.side * uniform(random, 0.8, 1.4) / 2;
                    s.formHalfHeight = s.side * uniform(random, 0.8, 1.3) / 2;
                    s.formX = s.centreX + uniform(random, -0.1, 0.1) * s.side;
                    s.formY = s.form == 3 ? s.centreY + s.side * uniform(random, 0.3, 0.45) : s.centreY + uniform(random, -0.1, 0.1) * s.side;
                    s.formSlope = Math.tan(Math.toRadians(uniform(random, -2, 2)));
                    s.formLineWidth = Math.max(1.2, shortSide * uniform(random, 0.004, 0.012));
                    s.formInk = (float) uniform(random, 20, 110);
                }
                case NOTE_ON_DESK -> {
                    s.width = between(random, 600, 1000);
                    s.height = s.width * 3 / 4;
                    s.pageAngle = Math.toRadians(uniform(random, -15, 15));
                    double cover = uniform(random, 0.55, 0.9);
                    s.pageHalfWidth = s.width * cover / 2;
                    s.pageHalfHeight = s.height * cover / 2 * uniform(random, 0.9, 1.2);
                    s.pageX = s.width / 2.0 + uniform(random, -0.1, 0.1) * s.width;
                    s.pageY = s.height / 2.0 + uniform(random, -0.1, 0.1) * s.height;
                    s.side = Math.min(s.pageHalfWidth, s.pageHalfHeight) * uniform(random, 0.7, 1.1);
                    s.centreX = s.pageX;
                    s.centreY = s.pageY;
                    s.rotation = s.pageAngle + Math.toRadians(uniform(random, -5, 5));
                    float wood = (float) uniform(random, 50, 120);
                    s.desk = random.nextBoolean() ? new float[] {wood * 1.3f, wood, wood * 0.7f} : new float[] {wood, wood, wood};
                    s.lightFloor = uniform(random, 0.75, 0.95);
                    s.lightAngle = uniform(random, 0, 2 * Math.PI);
                    s.texture = 8;
                    s.noise = uniform(random, 2, 5);
                    s.blur = uniform(random, 0.5, 1.0);
                    s.colour = true;
                }
                case PENCIL -> {
                    float graphite = (float) uniform(random, 175, 210);
                    s.ink = new float[] {graphite, graphite, graphite * 1.02f};
                    s.graphite = uniform(random, 0.5, 0.8);
                    s.texture = 6;
                    s.grain = 4;
                }
                case SQUARED_PAPER -> {
                    s.ruledSpacing = s.side * uniform(random, 0.2, 0.35);
                    s.ruleSlope = Math.tan(Math.toRadians(uniform(random, -2.5, 2.5)));
                    float grid = (float) uniform(random, 150, 200);
                    s.ruleColour = random.nextBoolean() ? new float[] {grid, grid + 20, 240} : new float[] {grid, grid, grid};
                    s.squared = true;
                    s.texture = 6;
                    s.grain = 3;
                    s.colour = true;
                }
                case GLARE -> {
                    s.glare = uniform(random, 0.7, 0.95);
                    s.glareRadius = s.side * uniform(random, 0.12, 0.25);
                    s.glareX = s.centreX + uniform(random, -0.3, 0.3) * s.side;
                    s.glareY = s.centreY + uniform(random, -0.3, 0.3) * s.side;
                    s.lightFloor = uniform(random, 0.75, 0.9);
                    s.lightAngle = uniform(random, 0, 2 * Math.PI);
                    s.texture = 4;
                    s.noise = uniform(random, 2, 4);
                    s.jpegQuality = 0.85f;
                    s.colour = true;
                }
                case PHONE_PHOTO, PHONE_PHOTO_TURNED -> {
                    boolean portrait = random.nextBoolean();
                    int longSide = between(random, 1200, 1600);
                    int shortPhotoSide = longSide * 3 / 4;
                    s.width = portrait ? shortPhotoSide : longSide;
                    s.height = portrait ? longSide : shortPhotoSide;
                    s.side = shortPhotoSide * uniform(random, 0.25, 0.45);
                    s.centreX = s.width / 2.0 + uniform(random, -0.15, 0.15) * s.width;
                    s.centreY = s.height / 2.0 + uniform(random, -0.15, 0.15) * s.height;
                    s.rotation = Math.toRadians(uniform(random, -8, 8));
                    s.keystoneX = uniform(random, -0.1, 0.1) / (s.side / 2);
                    s.keystoneY = uniform(random, -0.1, 0.1) / (s.side / 2);
                    s.lightFloor = uniform(random, 0.65, 0.85);
                    s.lightAngle = uniform(random, 0, 2 * Math.PI);
                    float warm = (float) uniform(random, 0.9, 1.0);
                    s.paper = new float[] {paper, paper * warm, paper * warm * warm};
                    s.ink = new float[] {ink + 10, ink + 5, ink};
                    s.texture = 6;
                    s.grain = 2;
                    s.blur = uniform(random, 0.8, 1.6);
                    s.noise = uniform(random, 3, 7);
                    s.jpegQuality = 0.85f;
                    s.colour = true;
                }
            }
            return s;
        }

        /** The homography from the 28 x 28 field (pixel corners at integers) to the picture, row-major. */
        double[] digitToCanvas() {
            double scale = side / 28;
            double cos = Math.cos(rotation) * scale;
            double sin = Math.sin(rotation) * scale;
            double[] centred = {1, 0, -14, 0, 1, -14, 0, 0, 1};
            double[] rotateScale = {cos, -sin, 0, sin, cos, 0, 0, 0, 1};
            double[] keystone = {1, 0, 0, 0, 1, 0, keystoneX, keystoneY, 1};
            double[] place = {1, 0, centreX, 0, 1, centreY, 0, 0, 1};
            return multiply(place, multiply(keystone, multiply(rotateScale, centred)));
        }

        /** The picture's pixels the digit can touch: its corners mapped, widened by the stroke filter, clipped. */
        int[] box() {
            double[] h = digitToCanvas();
            double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
            for (double[] corner : new double[][] {{-1, -1}, {29, -1}, {-1, 29}, {29, 29}}) {
                double w = h[6] * corner[0] + h[7] * corner[1] + h[8];
                double x = (h[0] * corner[0] + h[1] * corner[1] + h[2]) / w;
                double y = (h[3] * corner[0] + h[4] * corner[1] + h[5]) / w;
                minX = Math.min(minX, x);
                minY = Math.min(minY, y);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
            }
            int margin = strokeRadius + (int) Math.ceil(penWidth) + 2;
            return new int[] {
                (int) Math.max(0, Math.floor(minX) - margin), (int) Math.max(0, Math.floor(minY) - margin),
                (int) Math.min(width, Math.ceil(maxX) + margin), (int) Math.min(height, Math.ceil(maxY) + margin)};
        }
    }

    /** The picture being painted: three channels of floats, 0-255. */
    private static final class Canvas {
        private final int width;
        private final int height;
        private final float[][] channels;

        Canvas(int width, int height) {
            this.width = width;
            this.height = height;
            this.channels = new float[][] {new float[width * height], new float[width * height], new float[width * height]};
        }

        void paint(Scene scene, float[] ink, SplittableRandom random) {
            float[] texture = scene.texture > 0 ? valueNoise(random, 24) : null;
            double lightDx = Math.cos(scene.lightAngle);
            double lightDy = Math.sin(scene.lightAngle);
            double diagonal = Math.hypot(width, height);
            double shadowDx = Math.cos(scene.shadowAngle);
            double shadowDy = Math.sin(scene.shadowAngle);
            double shadowSoftness = Math.max(4, scene.side * 0.08);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int i = y * width + x;
                    double light = 1;
                    if (scene.lightFloor < 1) {
                        double along = ((x - width / 2.0) * lightDx + (y - height / 2.0) * lightDy) / diagonal + 0.5;
                        light = 1 - (1 - scene.lightFloor) * along;
                    }
                    if (scene.shadow < 1) {
                        double distance = (x - scene.shadowX) * shadowDx + (y - scene.shadowY) * shadowDy;
                        double inShadow = 1 / (1 + Math.exp(-distance / shadowSoftness));
                        light *= 1 - (1 - scene.shadow) * inShadow;
                    }
                    double surface = 1;
                    if (texture != null) {
                        surface += scene.texture / 255 * texture[i];
                    }
                    if (scene.grain > 0) {
                        surface += scene.grain / 255 * (random.nextDouble() * 2 - 1);
                    }
                    float a = ink[i];
                    if (scene.graphite > 0 && a > 0) {
                        a *= (float) (1 - scene.graphite * random.nextDouble());
                    }
                    for (int c = 0; c < 3; c++) {
                        double ground = scene.paper[c] * surface;
                        if (scene.ruleColour != null) {
                            ground = rule(scene, x, y, c, ground);
                        }
                        if (scene.form != 0) {
                            double print = formCover(scene, x, y);
                            ground = ground * (1 - print) + scene.formInk * print;
                        }
                        if (scene.desk != null) {
                            double page = pageCover(scene, x, y);
                            ground = ground * page + scene.desk[c] * surface * (1 - page);
                        }
                        double value = (ground * (1 - a) + scene.ink[c] * a) * light;
                        if (scene.glare > 0) {
                            double reflected = scene.glare * Math.exp(-(Math.pow(x - scene.glareX, 2) + Math.pow(y - scene.glareY, 2))
                                    / (2 * scene.glareRadius * scene.glareRadius));
                            value += (255 - value) * reflected;
                        }
                        channels[c][i] = (float) value;
                    }
                }
            }
        }

        /** Blue ruled lines across the page, a red margin line down it, each about 2 px wide and anti-aliased. */
        private static double rule(Scene scene, int x, int y, int channel, double ground) {
            double along = y - scene.ruleSlope * x + scene.ruledSpacing * 100.37; // kept positive for the remainder
            double offset = along % scene.ruledSpacing;
            double lineDistance = Math.min(offset, scene.ruledSpacing - offset);
            double lineCover = Math.max(0, 1 - Math.max(0, lineDistance - 0.5) / 1.0);
            if (scene.squared) {
                double down = x + scene.ruleSlope * y + scene.ruledSpacing * 100.37;
                double downOffset = down % scene.ruledSpacing;
                double downDistance = Math.min(downOffset, scene.ruledSpacing - downOffset);
                lineCover = Math.max(lineCover, Math.max(0, 1 - Math.max(0, downDistance - 0.5) / 1.0));
            }
            double result = ground * (1 - lineCover) + scene.ruleColour[channel] * lineCover;
            if (scene.marginX >= 0) {
                double marginCover = Math.max(0, 1 - Math.max(0, Math.abs(x + scene.ruleSlope * y - scene.marginX) - 0.5) / 1.0);
                float[] red = {225, 110, 120};
                result = result * (1 - marginCover) + red[channel] * marginCover;
            }
            return result;
        }

        /**
         * How much of a pixel the form's print covers: the box's four sides (those of its row running across the whole
         * picture, and the row's other boxes' sides a box's width apart), or the line to write on, anti-aliased.
         */
        private static double formCover(Scene scene, int x, int y) {
            // The page's frame: u along the print's rows, v across them, from the box's centre.
            double u = (x - scene.formX) + scene.formSlope * (y - scene.formY);
            double v = (y - scene.formY) - scene.formSlope * (x - scene.formX);
            double half = scene.formLineWidth / 2;
            double distance;
            if (scene.form == 3) {
                distance = Math.abs(v);
            } else {
                double row = Math.min(Math.abs(v - scene.formHalfHeight), Math.abs(v + scene.formHalfHeight));
                double pitch = 2 * scene.formHalfWidth;
                double column = Math.abs(Math.abs(u) - scene.formHalfWidth);
                if (scene.form == 1) {
                    double fromSide = ((u + scene.formHalfWidth) % pitch + pitch) % pitch;
                    column = Math.min(fromSide, pitch - fromSide);
                }
                boolean betweenRows = Math.abs(v) <= scene.formHalfHeight + half;
                boolean alongBox = scene.form == 1 || Math.abs(u) <= scene.formHalfWidth + half;
                distance = Math.min(alongBox ? row : Double.MAX_VALUE, betweenRows ? column : Double.MAX_VALUE);
            }
            return Math.max(0, Math.min(1, half + 0.5 - distance));
        }

        /** How much of a pixel the note covers (1 on the page, 0 on the desk), its edge anti-aliased. */
        private static double pageCover(Scene scene, int x, int y) {
            double cos = Math.cos(scene.pageAngle);
            double sin = Math.sin(scene.pageAngle);
            double dx = x + 0.5 - scene.pageX;
            double dy = y + 0.5 - scene.pageY;
            double u = Math.abs(dx * cos + dy * sin);
            double v = Math.abs(-dx * sin + dy * cos);
            double outside = Math.max(u - scene.pageHalfWidth, v - scene.pageHalfHeight);
            return Math.max(0, Math.min(1, 0.5 - outside));
        }

        /** Smooth random undulation in [-1, 1], one knot every {@code cell} pixels, bilinear between: paper's fibres and folds. */
        private float[] valueNoise(SplittableRandom random, int cell) {
            int knotsX = width / cell + 2;
            int knotsY = height / cell + 2;
            float[] knots = new float[knotsX * knotsY];
            for (int i = 0; i < knots.length; i++) {
                knots[i] = (float) (random.nextDouble() * 2 - 1);
            }
            float[] noise = new float[width * height];
            for (int y = 0; y < height; y++) {
                int ky = y / cell;
                float fy = (y % cell) / (float) cell;
                for (int x = 0; x < width; x++) {
                    int kx = x / cell;
                    float fx = (x % cell) / (float) cell;
                    float top = knots[ky * knotsX + kx] * (1 - fx) + knots[ky * knotsX + kx + 1] * fx;
                    float bottom = knots[(ky + 1) * knotsX + kx] * (1 - fx) + knots[(ky + 1) * knotsX + kx + 1] * fx;
                    noise[y * width + x] = top * (1 - fy) + bottom * fy;
                }
            }
            return noise;
        }

        /**
         * A separable Gaussian blur of standard deviation {@code sigma} pixels, along the rows and then down the columns,
         * an edge pixel standing for those beyond it; of the one channel a gray picture keeps when it is gray. Each
         * output sums its taps in kernel order, as a loop over them would, but a whole row at a time: the same floats to
         * the last bit, in loops the JIT vectorizes (a phone photo's render took about a quarter less).
         */
        void blur(double sigma, boolean colour) {
            int radius = (int) Math.ceil(sigma * 3);
            float[] kernel = new float[2 * radius + 1];
            float sum = 0;
            for (int d = -radius; d <= radius; d++) {
                kernel[d + radius] = (float) Math.exp(-d * d / (2 * sigma * sigma));
                sum += kernel[d + radius];
            }
            for (int k = 0; k < kernel.length; k++) {
                kernel[k] /= sum;
            }
            float[] acc = new float[width];
            for (int c = 0; c < (colour ? 3 : 1); c++) {
                float[] src = channels[c];
                float[] rows = new float[src.length];
                for (int y = 0; y < height; y++) {
                    int row = y * width;
                    Arrays.fill(acc, 0f);
                    for (int d = -radius; d <= radius; d++) {
                        float weight = kernel[d + radius];
                        int inside = Math.min(width, Math.max(0, -d)); // from here on x + d >= 0
                        int beyond = Math.max(inside, Math.min(width, width - d)); // from here on x + d >= width
                        for (int x = 0; x < inside; x++) {
                            acc[x] += weight * src[row];
                        }
                        for (int x = inside; x < beyond; x++) {
                            acc[x] += weight * src[row + x + d];
                        }
                        for (int x = beyond; x < width; x++) {
                            acc[x] += weight * src[row + width - 1];
                        }
                    }
                    System.arraycopy(acc, 0, rows, row, width);
                }
                for (int y = 0; y < height; y++) {
                    Arrays.fill(acc, 0f);
                    for (int d = -radius; d <= radius; d++) {
                        float weight = kernel[d + radius];
                        int from = Math.max(0, Math.min(height - 1, y + d)) * width;
                        for (int x = 0; x < width; x++) {
                            acc[x] += weight * rows[from + x];
                        }
                    }
                    System.arraycopy(acc, 0, src, y * width, width);
                }
            }
        }

        /** A camera sensor's noise: Gaussian, independent per pixel and channel. */
        void addNoise(double sigma, SplittableRandom random) {
            for (float[] channel : channels) {
                for (int i = 0; i < channel.length; i++) {
                    channel[i] += (float) (gaussian(random) * sigma);
                }
            }
        }

        BufferedImage toImage(boolean colour) {
            if (!colour) {
                BufferedImage gray = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                int[] samples = new int[width * height];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = clamp(channels[0][i]);
                }
                gray.getRaster().setSamples(0, 0, width, height, 0, samples);
                return gray;
            }
            BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            int[] pixels = new int[width * height];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = clamp(channels[0][i]) << 16 | clamp(channels[1][i]) << 8 | clamp(channels[2][i]);
            }
            rgb.setRGB(0, 0, width, height, pixels, 0, width);
            return rgb;
        }
    }

    private static int clamp(float value) {
        return Math.max(0, Math.min(255, Math.round(value)));
    }

    private static int between(SplittableRandom random, int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    private static double uniform(SplittableRandom random, double low, double high) {
        return low + random.nextDouble() * (high - low);
    }

    private static double gaussian(SplittableRandom random) {
        double u = Math.max(1e-12, random.nextDouble());
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
