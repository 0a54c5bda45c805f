package io.inkstream.image;

/**
 * What an image may cost before it is refused, checked before any pixel is decoded.
 *
 * @param maxBytes  the largest encoded image accepted
 * @param maxWidth  the widest image a header may claim
 * @param maxHeight the tallest image a header may claim
 */
public record PreprocessingLimits(int maxBytes, int maxWidth, int maxHeight) {
    public static final PreprocessingLimits DEFAULT = new PreprocessingLimits(1 << 20, 4096, 4096);
    /**
     * What {@code inkstream classify} reads of a person's own files, which no stranger sent: a phone's photo whole (2-8 MB
     * at 12 megapixels, 4032 x 3024), which the services refuse at {@link #DEFAULT}'s 1 MiB (the page scales it down first).
     * The sides stay at 4096: a picture's pixels, not its bytes, are what the decoding costs and holds in memory.
     */
    public static final PreprocessingLimits LOCAL_FILES = new PreprocessingLimits(16 << 20, DEFAULT.maxWidth(), DEFAULT.maxHeight());
    /**
     * The most scans a JPEG may have ({@link JpegSegments#scans}): the decoder draws the whole picture again after each,
     * whatever it holds, so 1 MiB of empty scans could hold a core for minutes. Encoders write at most 10 (libjpeg's
     * progressive script for colour). Not a setting: no real file comes near it, and it bounds what the scans add to a
     * 4096 x 4096 picture to about 0.6 s (gray) or 2 s (four components, a CMYK picture already costs 1.4 s).
     */
    public static final int MAX_JPEG_SCANS = 32;
    /** Read by the gateway and the classifier alike, so both refuse the same images. */
    public static final String MAX_BYTES_VARIABLE = "INKSTREAM_IMAGE_MAX_BYTES";
    public static final String MAX_SIDE_VARIABLE = "INKSTREAM_IMAGE_MAX_SIDE";

    public PreprocessingLimits {
        if (maxBytes < ImageFormat.RAW_MNIST_LENGTH || maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("limits too small: " + maxBytes + " bytes, " + maxWidth + " x " + maxHeight);
        }
    }

    /** {@value #MAX_BYTES_VARIABLE} and {@value #MAX_SIDE_VARIABLE}, with {@link #DEFAULT} where unset. */
    public static PreprocessingLimits read(BoundedInteger setting) {
        int maxSide = setting.read(MAX_SIDE_VARIABLE, DEFAULT.maxWidth(), 28, 65_536);
        return new PreprocessingLimits(setting.read(MAX_BYTES_VARIABLE, DEFAULT.maxBytes(), 784, 256 << 20), maxSide, maxSide);
    }

    /** Where a service reads its settings from (its environment's {@code integer}): a whole number by name, its default and range. */
    @FunctionalInterface
    public interface BoundedInteger {
        int read(String name, int defaultValue, int min, int max);
    }
}
