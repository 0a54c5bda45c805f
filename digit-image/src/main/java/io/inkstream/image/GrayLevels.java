package io.inkstream.image;

/**
 * Gray values (0-255, as floats) counted into a histogram of 256 levels, and read back by rank: what {@link PageOnDesk},
 * {@link PaperBackground}, {@link Glare} and the contrast stretch take medians and percentiles of a picture's pixels with.
 */
final class GrayLevels {
    static final int LEVELS = 256;

    private GrayLevels() {
    }

    /** The histogram level of a gray value: rounded, and clamped to 0-255. */
    static int level(float value) {
        return Math.max(0, Math.min(LEVELS - 1, Math.round(value)));
    }

    /**
     * The level below which {@code share} of the {@code count} counted values lie (the lower one of two middle values
     * for the median of an even count); the top level when nothing was counted.
     */
    static int percentile(int[] histogram, int count, double share) {
        int rank = (int) Math.floor(share * (count - 1));
        int seen = 0;
        for (int level = 0; level < histogram.length; level++) {
            seen += histogram[level];
            if (seen > rank) {
                return level;
            }
        }
        return histogram.length - 1;
    }

    /** The median of {@code values} once each is multiplied by {@code toLevel} into a gray value, as a level. */
    static int median(float[] values, float toLevel) {
        int[] histogram = new int[LEVELS];
        for (float value : values) {
            histogram[level(value * toLevel)]++;
        }
        return percentile(histogram, values.length, 0.5);
    }
}
