package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ClutterTest {
    private static final int WIDTH = 400;
    private static final int HEIGHT = 300;

    /** Full ink over the rectangle from (x0, y0) to (x1, y1), exclusive. */
    private static void fill(float[] ink, int x0, int y0, int x1, int y1) {
        for (int y = Math.max(0, y0); y < Math.min(HEIGHT, y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(WIDTH, x1); x++) {
                ink[y * WIDTH + x] = 1;
            }
        }
    }

    /** A "7" 120 px wide and 160 tall in the middle of the picture: a bar, and a stem to lower left, 12 px strokes. */
    private static float[] seven() {
        float[] ink = new float[WIDTH * HEIGHT];
        fill(ink, 140, 70, 260, 82);
        for (int y = 82; y < 230; y++) {
            int x0 = 248 - (y - 82) / 2;
            fill(ink, x0, y, x0 + 12, y + 1);
        }
        return ink;
    }

    private static final int[] SEVEN_BOX = {140, 70, 120, 160}; // x, y, width, height

    /** A rectangle's outline, {@code stroke} px wide. */
    private static void frame(float[] ink, int x0, int y0, int x1, int y1, int stroke) {
        fill(ink, x0, y0, x1, y0 + stroke);
        fill(ink, x0, y1 - stroke, x1, y1);
        fill(ink, x0, y0, x0 + stroke, y1);
        fill(ink, x1 - stroke, y0, x1, y1);
    }

    private static int[] boxAfterClutter(float[] ink) {
        return Clutter.remove(new InkImage(WIDTH, HEIGHT, ink)).inkBounds(0.25f);
    }

    @Test
    void aFormsBoxAroundTheDigitGoes() {
        float[] ink = seven();
        frame(ink, 110, 40, 290, 260, 3);
        assertThat(new InkImage(WIDTH, HEIGHT, ink).inkBounds(0.25f)).as("the control: the box sets the ink's box").containsExactly(110, 40, 180, 220);
        assertThat(boxAfterClutter(ink)).containsExactly(SEVEN_BOX);
    }

    @Test
    void aLineAcrossThePictureUnderTheDigitGoes() {
        float[] ink = seven();
        fill(ink, 0, 250, WIDTH, 253);
        assertThat(boxAfterClutter(ink)).containsExactly(SEVEN_BOX);
    }

    @Test
    void aScannersDarkBorderAlongAnEdgeGoes() {
        float[] ink = seven();
        fill(ink, 0, 0, 25, HEIGHT);
        fill(ink, 0, 285, WIDTH, HEIGHT);
        assertThat(boxAfterClutter(ink)).containsExactly(SEVEN_BOX);
    }

    @Test
    void theTwoSidesOfABoxWhoseRowOfLinesIsGoneGo() {
        float[] ink = seven();
        fill(ink, 100, 50, 103, 252);
        fill(ink, 300, 48, 303, 250);
        assertThat(boxAfterClutter(ink)).containsExactly(SEVEN_BOX);
        // A "1" between them: a straight stroke too, the one in the middle.
        float[] one = new float[WIDTH * HEIGHT];
        fill(one, 195, 70, 207, 230);
        fill(one, 100, 50, 103, 252);
        fill(one, 300, 48, 303, 250);
        assertThat(boxAfterClutter(one)).containsExactly(195, 70, 12, 160);
    }

    @Test
    void anEmptyFormsBoxOrRowOfBoxesIsNothingWritten() {
        // Before 2026-12-06 a lone box, or the two sides a row of boxes leaves, was kept whole and read as a digit.
        float[] box = new float[WIDTH * HEIGHT];
        frame(box, 110, 40, 290, 260, 3);
        assertThat(boxAfterClutter(box)).as("an empty box").isNull();
        float[] sides = new float[WIDTH * HEIGHT];
        fill(sides, 100, 50, 103, 252);
        fill(sides, 300, 48, 303, 250);
        assertThat(boxAfterClutter(sides)).as("the two sides of an empty row's box").isNull();
        // The controls: the same two strokes as thick as a pen's, or close together ("11"), or one alone (a "1"), are
        // writing; a box drawn with a pen's stroke is aDigitDrawnAsARectangleAloneIsTheDigit's.
        float[] thick = new float[WIDTH * HEIGHT];
        fill(thick, 100, 50, 112, 252);
        fill(thick, 300, 48, 312, 250);
        assertThat(boxAfterClutter(thick)).as("thick strokes").containsExactly(100, 48, 212, 204);
        float[] close = new float[WIDTH * HEIGHT];
        fill(close, 170, 50, 173, 252);
        fill(close, 230, 48, 233, 250);
        assertThat(boxAfterClutter(close)).as("close together").containsExactly(170, 48, 63, 204);
        float[] one = new float[WIDTH * HEIGHT];
        fill(one, 200, 50, 203, 252);
        assertThat(boxAfterClutter(one)).as("one alone").containsExactly(200, 50, 3, 202);
    }

    @Test
    void aDigitCroppedEdgeToEdgeAloneIsTheDigit() {
        // A "7" whose bar runs along the top edge and whose stem reaches the bottom: it crosses the picture and runs
        // along an edge, and it is all there is.
        float[] ink = new float[WIDTH * HEIGHT];
        fill(ink, 0, 0, WIDTH, 14);
        for (int y = 14; y < HEIGHT; y++) {
            int x0 = 386 - (y - 14) * 386 / HEIGHT;
            fill(ink, x0, y, x0 + 14, y + 1);
        }
        InkImage seven = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(Clutter.remove(seven)).isSameAs(seven);
        // With a speck beside it, too small to be a digit.
        fill(ink, 30, 200, 36, 206);
        seven = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(Clutter.remove(seven)).isSameAs(seven);
    }

    @Test
    void aFoursStemCroppedTopToBottomBesideTheRestIsTheDigitsOwn() {
        // A "4" written in two strokes, cropped tight: the stem crosses top to bottom, the rest reaches the top edge.
        float[] ink = new float[WIDTH * HEIGHT];
        fill(ink, 250, 0, 264, HEIGHT);
        for (int y = 0; y < 180; y++) {
            int x0 = 150 - y * 150 / 180;
            fill(ink, Math.max(0, x0), y, x0 + 14, y + 1);
        }
        fill(ink, 0, 180, 240, 194);
        InkImage four = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(Clutter.remove(four)).isSameAs(four);
        // And the stem alone beside the rest, not crossing: one straight stroke on one side is no box.
        float[] loose = new float[WIDTH * HEIGHT];
        fill(loose, 250, 40, 262, 260);
        for (int y = 40; y < 170; y++) {
            int x0 = 200 - (y - 40) * 80 / 130;
            fill(loose, x0, y, x0 + 12, y + 1);
        }
        fill(loose, 120, 170, 240, 182);
        four = new InkImage(WIDTH, HEIGHT, loose);
        assertThat(Clutter.remove(four)).isSameAs(four);
    }

    @Test
    void aZeroAroundASpeckIsNoFrame() {
        float[] ink = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double r = Math.hypot((x - 200) / 60.0, (y - 150) / 90.0);
                ink[y * WIDTH + x] = Math.abs(r - 1) < 0.12 ? 1 : 0;
            }
        }
        fill(ink, 196, 146, 204, 154);
        InkImage zero = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(Clutter.remove(zero)).isSameAs(zero);
    }

    @Test
    void aBoxTheWritingRunsIntoIsTakenOutAlongItsSides() {
        float[] ink = seven();
        frame(ink, 138, 60, 290, 260, 3); // its left side runs through the bar's left end: one piece with the seven
        int[] touching = boxAfterClutter(ink);
        // The bar loses the pixels the side crossed.
        assertThat(touching[0]).isBetween(140, 145);
        assertThat(new int[] {touching[1], touching[0] + touching[2], touching[3]}).containsExactly(70, 260, 160);
        // A row of boxes the seven runs into: the row's lines cross the picture, the box's sides stand between them.
        float[] row = seven();
        fill(row, 0, 55, WIDTH, 58);
        fill(row, 0, 262, WIDTH, 265);
        fill(row, 138, 55, 141, 265);
        fill(row, 300, 55, 303, 265);
        int[] inRow = boxAfterClutter(row);
        assertThat(inRow[0]).isBetween(140, 145);
        assertThat(new int[] {inRow[1], inRow[0] + inRow[2], inRow[3]}).containsExactly(70, 260, 160);
    }

    @Test
    void aDigitDrawnAsARectangleAloneIsTheDigit() {
        // A squarish "0": straight sides along all four sides of its box, and nothing else.
        float[] ink = new float[WIDTH * HEIGHT];
        frame(ink, 130, 60, 270, 240, 12);
        InkImage zero = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(Clutter.remove(zero)).isSameAs(zero);
    }

    /**
     * The writing alone is never print: 1,000 held-out MNIST digits, as MNIST draws them and cropped to their ink (a
     * tight crop touches every edge, its strokes a tenth of the picture wide), ten times their size, lose no strong line
     * to RuledLines and nothing to Clutter. (The first cut of the strong lines and the box sides, without the widths of
     * print, took 41 of 1,000 tight crops apart.)
     */
    @Test
    void theWritingAloneIsNeverTakenForPrint() throws IOException {
        List<String> touched = new ArrayList<>();
        List<float[]> digits = heldOutDigits(1000);
        for (int d = 0; d < digits.size(); d++) {
            float[] field = digits.get(d);
            InkImage whole = new InkImage(28, 28, field).fitLongestSide(280);
            int[] box = new InkImage(28, 28, field).inkBounds(40 / 255f);
            InkImage tight = new InkImage(28, 28, field).crop(box[0], box[1], box[2], box[3]).fitLongestSide(280);
            for (InkImage ink : new InkImage[] {whole, tight}) {
                // (A faint line may come off, as it always did: the anti-aliased edge of a bar along a tight crop's edge.)
                if (!java.util.Arrays.equals(RuledLines.remove(ink).values, RuledLines.remove(ink, false).values)) {
                    touched.add("digit " + d + (ink == tight ? " cropped" : "") + ": a strong line taken out");
                }
                if (Clutter.remove(ink) != ink) {
                    touched.add("digit " + d + (ink == tight ? " cropped" : "") + ": clutter taken out");
                }
            }
        }
        assertThat(touched).isEmpty();
    }

    /** The last {@code count} training digits (the held-out ones), as ink in [0, 1]. */
    private static List<float[]> heldOutDigits(int count) throws IOException {
        try (InputStream resource = ClutterTest.class.getResourceAsStream("/mnist/train-images-idx3-ubyte.gz");
             DataInputStream in = new DataInputStream(new GZIPInputStream(resource))) {
            in.readInt();
            int total = in.readInt();
            in.readInt();
            in.readInt();
            in.skipNBytes((long) (total - count) * 784);
            List<float[]> digits = new ArrayList<>();
            byte[] pixels = new byte[784];
            for (int d = 0; d < count; d++) {
                in.readFully(pixels);
                float[] field = new float[784];
                for (int i = 0; i < 784; i++) {
                    field[i] = (pixels[i] & 0xff) / 255f;
                }
                digits.add(field);
            }
            return digits;
        }
    }
}
