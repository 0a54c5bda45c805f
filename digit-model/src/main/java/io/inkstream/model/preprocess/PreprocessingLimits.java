package io.inkstream.model.preprocess;

/**
 * What an image may cost before it is refused, checked before any pixel is decoded.
 *
 * @param maxBytes  the largest encoded image accepted
 * @param maxWidth  the widest image a header may claim
 * @param maxHeight the tallest image a header may claim
 */
public record PreprocessingLimits(int maxBytes, int maxWidth, int maxHeight) {
    public static final PreprocessingLimits DEFAULT = new PreprocessingLimits(1 << 20, 4096, 4096);

    public PreprocessingLimits {
        if (maxBytes < ImageFormat.RAW_MNIST_LENGTH || maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("limits too small: " + maxBytes + " bytes, " + maxWidth + " x " + maxHeight);
        }
    }
}
