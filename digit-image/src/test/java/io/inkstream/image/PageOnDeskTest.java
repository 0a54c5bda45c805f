package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageOnDeskTest {
    private static final int WIDTH = 400;
    private static final int HEIGHT = 300;
    private static final float PAPER = 230;
    private static final float INK = 40;

    /** A ring of ink 12 px wide around the picture's middle: the writing. */
    private static boolean onRing(int x, int y) {
        return Math.abs(Math.hypot((x - 200) / 45.0, (y - 150) / 65.0) - 1) < 0.12;
    }

    /** A page 260 x 200 turned {@code degrees} about the middle, on a desk at {@code desk}, the ring written on it. */
    private static float[] noteOnDesk(float desk, double degrees) {
        float[] gray = new float[WIDTH * HEIGHT];
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double u = (x - 200) * cos + (y - 150) * sin;
                double v = -(x - 200) * sin + (y - 150) * cos;
                boolean page = Math.abs(u) < 130 && Math.abs(v) < 100;
                gray[y * WIDTH + x] = onRing(x, y) ? INK : page ? PAPER + (x * 7 + y * 13) % 5 : desk + (x * 3 + y * 5) % 7;
            }
        }
        return gray;
    }

    @Test
    void theDeskAroundANoteIsPaintedAsPaperAndTheWritingStays() {
        for (double degrees : new double[] {0, 12, -15}) {
            float[] gray = noteOnDesk(60, degrees);
            assertThat(PaperBackground.lightInk(gray, WIDTH, HEIGHT)).as("the control: the dark desk makes the ink light").isTrue();
            assertThat(PageOnDesk.paintOver(gray, WIDTH, HEIGHT)).as("at %s degrees", degrees).isTrue();
            assertThat(gray[5 * WIDTH + 5]).as("the desk's corner").isBetween(PAPER, PAPER + 5);
            assertThat(gray[150 * WIDTH + 155]).as("the ring's left side").isEqualTo(INK);
            assertThat(PaperBackground.lightInk(gray, WIDTH, HEIGHT)).isFalse();
        }
    }

    @Test
    void anEmptyNoteOnADeskIsABlankPage() {
        // Nothing written on the note: before 2026-12-06 a page had to hold writing, the desk stayed, and the page's
        // outline was read as a digit.
        float[] gray = noteOnDesk(60, 8);
        for (int i = 0; i < gray.length; i++) {
            gray[i] = onRing(i % WIDTH, i / WIDTH) ? PAPER : gray[i];
        }
        assertThat(PageOnDesk.paintOver(gray, WIDTH, HEIGHT)).isTrue();
        float[] painted = gray.clone();
        java.util.Arrays.sort(painted);
        assertThat(painted[0]).as("the darkest pixel left").isGreaterThanOrEqualTo(PAPER - 5);
        // The control: a light filled rectangle of a quarter of the picture, no page by its size, is left as it is (a
        // bold "1" white on black is lightWritingOnADarkGroundIsNoPage's).
        float[] bar = new float[WIDTH * HEIGHT];
        for (int i = 0; i < bar.length; i++) {
            bar[i] = Math.abs(i % WIDTH - 200) < 60 && Math.abs(i / WIDTH - 150) < 125 ? 250 : 20;
        }
        assertThat(PageOnDesk.paintOver(bar, WIDTH, HEIGHT)).isFalse();
    }

    @Test
    void theDeskIsPaintedWithTheLevelOfThePageBesideIt() {
        // A blank note lit from the left, its paper falling from 240 to 190 across the picture. Painted with one level
        // (the page's median, about 215, before 2026-12-06), the desk beside its dark side stood above it, the paper's
        // estimate carried the step into the page, and its grain was read as ink.
        float[] gray = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                boolean page = Math.abs(x - 200) < 130 && Math.abs(y - 150) < 100;
                gray[y * WIDTH + x] = page ? 240 - 50f * x / WIDTH : 60 + (x * 3 + y * 5) % 7;
            }
        }
        assertThat(PageOnDesk.paintOver(gray, WIDTH, HEIGHT)).isTrue();
        assertThat(gray[150 * WIDTH + 5]).as("the desk left of the page").isBetween(229f, 232f);
        assertThat(gray[150 * WIDTH + 395]).as("the desk right of the page").isBetween(199f, 202f);
        assertThat(gray[5 * WIDTH + 200]).as("the desk above the page's middle").isBetween(214f, 216f);
    }

    @Test
    void aPageThatFillsTheFrameIsLeftAsItIs() {
        float[] gray = noteOnDesk(60, 0);
        float[] page = new float[WIDTH * HEIGHT];
        for (int i = 0; i < page.length; i++) {
            page[i] = onRing(i % WIDTH, i / WIDTH) ? INK : PAPER;
        }
        assertThat(PageOnDesk.paintOver(page, WIDTH, HEIGHT)).isFalse();
        assertThat(gray).isNotEqualTo(page);
    }

    @Test
    void lightWritingOnADarkGroundIsNoPage() {
        // MNIST's own white on black, large: a bold ring, a bold "1", and a squarish bold "0" (a rectangle with a hole).
        float[] ring = new float[WIDTH * HEIGHT];
        float[] one = new float[WIDTH * HEIGHT];
        float[] square = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = y * WIDTH + x;
                ring[i] = Math.abs(Math.hypot((x - 200) / 110.0, (y - 150) / 120.0) - 1) < 0.3 ? 250 : 0;
                one[i] = Math.abs(x - 200) < 40 && Math.abs(y - 150) < 120 ? 250 : 0;
                boolean outer = Math.abs(x - 200) < 120 && Math.abs(y - 150) < 120;
                boolean hole = Math.abs(x - 200) < 60 && Math.abs(y - 150) < 60;
                square[i] = outer && !hole ? 250 : 0;
            }
        }
        for (float[] light : new float[][] {ring, one, square}) {
            float[] before = light.clone();
            assertThat(PageOnDesk.paintOver(light, WIDTH, HEIGHT)).isFalse();
            assertThat(light).isEqualTo(before);
        }
    }

    @Test
    void paperInAShadowIsNoPageOnADesk() {
        // The right half in a shadow at a third of the light, its edge fading over about 60 px; the ring in the lit half.
        float[] gray = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double shade = 1 - 0.66 / (1 + Math.exp(-(x - 300) / 15.0));
                boolean ink = Math.abs(Math.hypot((x - 140) / 45.0, (y - 150) / 65.0) - 1) < 0.12;
                gray[y * WIDTH + x] = (float) ((ink ? INK : PAPER) * shade);
            }
        }
        assertThat(PageOnDesk.paintOver(gray, WIDTH, HEIGHT)).isFalse();
    }

    @Test
    void paperCutOffByAPrintedLineIsNoDesk() {
        // A row of boxes: dark lines across the page above and below the writing; the strips beyond them are paper.
        float[] gray = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                boolean line = Math.abs(y - 60) < 2 || Math.abs(y - 240) < 2 || y > 60 && y < 240 && (Math.abs(x - 110) < 2 || Math.abs(x - 290) < 2);
                gray[y * WIDTH + x] = line || onRing(x, y) ? INK : PAPER;
            }
        }
        assertThat(PageOnDesk.paintOver(gray, WIDTH, HEIGHT)).isFalse();
    }
}
