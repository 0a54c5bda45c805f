package io.inkstream.image;

/**
 * A digit ready for the network: 28 x 28 floats in [0, 1], row-major, 0 = background, 1 = ink,
 * as MNIST itself: ink box scaled to 20 x 20, centred by mass.
 *
 * @param pixels the 784 network inputs
 * @param format the format the bytes were in
 * @param width  the decoded image's width, before preprocessing
 * @param height the decoded image's height, before preprocessing
 */
public record PreprocessedDigit(float[] pixels, ImageFormat format, int width, int height) {
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;

    public PreprocessedDigit {
        if (pixels.length != PIXELS) {
            throw new IllegalArgumentException("a digit has " + PIXELS + " pixels, got " + pixels.length);
        }
    }
}
