package io.inkstream.image;

/**
 * Square maximum and minimum filters, separable (a square's extreme is the extreme of its rows' extremes: along the
 * rows, then down the columns) and clipped at the edges: a window reaching past an edge takes what lies inside.
 */
final class SquareFilter {

    private SquareFilter() {
    }

    /** Each value replaced by the largest within {@code radius} of it on every side. */
    static float[] maximum(float[] values, int width, int height, int radius) {
        return rank(values, width, height, radius, true);
    }

    /** Each value replaced by the smallest within {@code radius} of it on every side. */
    static float[] minimum(float[] values, int width, int height, int radius) {
        return rank(values, width, height, radius, false);
    }

    private static float[] rank(float[] values, int width, int height, int radius, boolean maximum) {
        float[] rows = new float[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float best = values[y * width + x];
                for (int sx = Math.max(0, x - radius); sx <= Math.min(width - 1, x + radius); sx++) {
                    float v = values[y * width + sx];
                    best = maximum ? (v > best ? v : best) : (v < best ? v : best);
                }
                rows[y * width + x] = best;
            }
        }
        float[] out = new float[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float best = rows[y * width + x];
                for (int sy = Math.max(0, y - radius); sy <= Math.min(height - 1, y + radius); sy++) {
                    float v = rows[sy * width + x];
                    best = maximum ? (v > best ? v : best) : (v < best ? v : best);
                }
                out[y * width + x] = best;
            }
        }
        return out;
    }
}
