package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InkImageTest {

    @Test
    void erosionIsTheSquaresLeastInkWithNoInkBeyondTheEdges() {
        Random random = new Random(22);
        for (int round = 0; round < 200; round++) {
            int width = 1 + random.nextInt(17);
            int height = 1 + random.nextInt(17);
            int radius = 1 + random.nextInt(4);
            float[] ink = new float[width * height];
            for (int i = 0; i < ink.length; i++) {
                ink[i] = random.nextInt(3) == 0 ? 0f : random.nextFloat();
            }
            InkImage eroded = new InkImage(width, height, ink).erode(radius);
            assertThat(eroded.width).isEqualTo(width);
            assertThat(eroded.height).isEqualTo(height);
            assertThat(eroded.values).containsExactly(bySearch(ink, width, height, radius));
        }
    }

    /** The definition, square by square: a window reaching past an edge meets no ink there. */
    private static float[] bySearch(float[] ink, int width, int height, int radius) {
        float[] out = new float[ink.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float least = Float.POSITIVE_INFINITY;
                for (int sy = y - radius; sy <= y + radius; sy++) {
                    for (int sx = x - radius; sx <= x + radius; sx++) {
                        boolean inside = sx >= 0 && sy >= 0 && sx < width && sy < height;
                        least = Math.min(least, inside ? ink[sy * width + sx] : 0f);
                    }
                }
                out[y * width + x] = least;
            }
        }
        return out;
    }
}
