package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuledLinesTest {
    private static final int WIDTH = 400;
    private static final int HEIGHT = 300;

    /** Lines across the page at {@code level}, 2 px thick, every 60 px, {@code degrees} askew. */
    private static void ruleAcross(float[] ink, float level, double degrees) {
        double slope = Math.tan(Math.toRadians(degrees));
        for (int x = 0; x < WIDTH; x++) {
            for (int line = 30; line < HEIGHT; line += 60) {
                int y = (int) Math.round(line + slope * (x - WIDTH / 2.0));
                for (int dy = 0; dy < 2; dy++) {
                    if (y + dy >= 0 && y + dy < HEIGHT) {
                        ink[(y + dy) * WIDTH + x] = Math.max(ink[(y + dy) * WIDTH + x], level);
                    }
                }
            }
        }
    }

    /** Squared paper: lines across and down at {@code level}, 2 px thick, every 16 px, clear of the seven's bar (y 60-71). */
    private static void square(float[] ink, float level) {
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                if ((y + 6) % 16 < 2 || x % 16 < 2) {
                    ink[y * WIDTH + x] = Math.max(ink[y * WIDTH + x], level);
                }
            }
        }
    }

    /** A "7": a bar 60% of the page wide and a stem, full ink, 12 px strokes, crossing the ruling. */
    private static float[] seven() {
        float[] ink = new float[WIDTH * HEIGHT];
        for (int y = 60; y < 72; y++) {
            for (int x = 80; x < 320; x++) {
                ink[y * WIDTH + x] = 1;
            }
        }
        for (int y = 72; y < 260; y++) {
            int x0 = 300 - (y - 72) / 2;
            for (int x = x0; x < x0 + 12; x++) {
                ink[y * WIDTH + x] = 1;
            }
        }
        return ink;
    }

    @Test
    void faintLinesAcrossThePageGoAndTheDigitStays() {
        for (double degrees : new double[] {0, 2.5, -2.5}) {
            float[] ink = seven();
            ruleAcross(ink, 0.35f, degrees);
            InkImage cleaned = RuledLines.remove(new InkImage(WIDTH, HEIGHT, ink));
            assertThat(cleaned.inkBounds(0.25f)).as("ink box at %s degrees", degrees).containsExactly(80, 60, 240, 200); // x, y, width, height
            assertThat(cleaned.at(200, 65)).as("the bar").isGreaterThanOrEqualTo(0.6f);
            // The control: with the ruling in, the ink box is as wide as the page.
            int[] ruled = new InkImage(WIDTH, HEIGHT, ink).inkBounds(0.25f);
            assertThat(new int[] {ruled[0], ruled[2]}).containsExactly(0, WIDTH);
        }
    }

    @Test
    void aPageOfPrintAloneIsNothingWritten() {
        // With nothing written, a page's ruling or squares are its deepest ink, stretched to full strength: strong lines,
        // which before 2026-12-06 were kept for want of writing to judge them against, and read as a digit.
        float[] ruled = new float[WIDTH * HEIGHT];
        ruleAcross(ruled, 1, 1.5);
        for (int y = 0; y < HEIGHT; y++) {
            ruled[y * WIDTH + 40] = 1; // a margin line
        }
        float[] squared = new float[WIDTH * HEIGHT];
        square(squared, 1);
        for (float[] page : new float[][] {ruled, squared}) {
            assertThat(new InkImage(WIDTH, HEIGHT, page).inkBounds(0.25f)).as("the control: the print is ink").isNotNull();
            assertThat(RuledLines.remove(new InkImage(WIDTH, HEIGHT, page)).inkBounds(0.25f)).isNull();
        }
        // The control: the same squares with the seven on them are not emptied (squares as strong as the writing stay,
        // as they always did: each direction's lines reach the ends of the other's).
        float[] written = seven();
        square(written, 1);
        InkImage kept = RuledLines.remove(new InkImage(WIDTH, HEIGHT, written));
        assertThat(kept.at(200, 65)).as("the seven's bar").isEqualTo(1f);
        assertThat(kept.inkBounds(0.25f)).isNotNull();
    }

    @Test
    void squaredPapersLinesDownThePageGoAsWellAsThoseAcrossIt() {
        // Every 16 px: the lines across, taken out with their edges, leave a line down the page a quarter gaps, under
        // the 85% a line must be whole (on the code before, the ink box was 0, 0, 386 x 296). Searched on the ink as it
        // came, both go.
        float[] ink = seven();
        square(ink, 0.35f);
        int[] squared = new InkImage(WIDTH, HEIGHT, ink).inkBounds(0.25f);
        assertThat(new int[] {squared[0], squared[2]}).as("the control").containsExactly(0, WIDTH);
        InkImage cleaned = RuledLines.remove(new InkImage(WIDTH, HEIGHT, ink));
        assertThat(cleaned.inkBounds(0.25f)).containsExactly(80, 60, 240, 200);
    }

    @Test
    void linesAsStrongAsTheWritingGoWhenTheWritingStaysClearOfTheirEnds() {
        // A form's lines, as dark as the pen: the seven sits inside the picture, the lines run out of it.
        float[] ink = seven();
        ruleAcross(ink, 1f, 0);
        assertThat(new InkImage(WIDTH, HEIGHT, ink).inkBounds(0.25f)).as("the control").containsExactly(0, 30, WIDTH, 242);
        InkImage cleaned = RuledLines.remove(new InkImage(WIDTH, HEIGHT, ink));
        assertThat(cleaned.inkBounds(0.25f)).containsExactly(80, 60, 240, 200);
        assertThat(cleaned.at(200, 65)).as("the bar").isEqualTo(1f);
        // Faint lines only: these stay.
        assertThat(RuledLines.remove(new InkImage(WIDTH, HEIGHT, ink), false).inkBounds(0.25f)).containsExactly(0, 30, WIDTH, 242);
    }

    @Test
    void aStrokeCroppedEdgeToEdgeIsWriting() {
        // A seven cropped tight: its bar runs the picture's whole width, its stem from the bar's right end down to the
        // left. The stem reaches the bar's end, so the bar is no printed line.
        float[] ink = new float[WIDTH * HEIGHT];
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < WIDTH; x++) {
                ink[y * WIDTH + x] = 1;
            }
        }
        for (int y = 12; y < HEIGHT; y++) {
            int x0 = 388 - (y - 12) * 240 / HEIGHT;
            for (int x = x0; x < x0 + 12; x++) {
                ink[y * WIDTH + x] = 1;
            }
        }
        InkImage seven = new InkImage(WIDTH, HEIGHT, ink);
        assertThat(RuledLines.remove(seven)).isSameAs(seven);
    }

    @Test
    void aDigitWithoutRulingIsLeftAsItIs() {
        InkImage seven = new InkImage(WIDTH, HEIGHT, seven());
        assertThat(RuledLines.remove(seven)).isSameAs(seven);
    }
}
