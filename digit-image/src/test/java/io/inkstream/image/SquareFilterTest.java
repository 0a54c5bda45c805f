package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SquareFilterTest {

    @Test
    void eachValueBecomesTheExtremeOfItsSquareClippedAtTheEdges() {
        Random random = new Random(13);
        for (int round = 0; round < 200; round++) {
            int width = 1 + random.nextInt(17);
            int height = 1 + random.nextInt(17);
            int radius = random.nextInt(6);
            float[] values = new float[width * height];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat() * 255f - 64f;
            }
            assertThat(SquareFilter.maximum(values, width, height, radius)).containsExactly(bySearch(values, width, height, radius, true));
            assertThat(SquareFilter.minimum(values, width, height, radius)).containsExactly(bySearch(values, width, height, radius, false));
        }
    }

    /** The definition, square by square. */
    private static float[] bySearch(float[] values, int width, int height, int radius, boolean maximum) {
        float[] out = new float[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float best = maximum ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                for (int sy = Math.max(0, y - radius); sy <= Math.min(height - 1, y + radius); sy++) {
                    for (int sx = Math.max(0, x - radius); sx <= Math.min(width - 1, x + radius); sx++) {
                        float v = values[sy * width + sx];
                        best = maximum ? Math.max(best, v) : Math.min(best, v);
                    }
                }
                out[y * width + x] = best;
            }
        }
        return out;
    }
}
