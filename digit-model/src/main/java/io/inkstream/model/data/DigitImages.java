package io.inkstream.model.data;

import java.util.Arrays;

/**
 * Grayscale images as stored by IDX: row-major unsigned bytes, 0 = background, 255 = ink.
 * One flat array, because 60,000 small arrays cost more memory and time than the pixels.
 */
public record DigitImages(byte[] pixels, int count, int rows, int columns) {
    public DigitImages {
        if ((long) count * rows * columns != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + rows + " x " + columns + " need "
                    + (long) count * rows * columns + " bytes, got " + pixels.length);
        }
    }

    public int pixelsPerImage() {
        return rows * columns;
    }

    /** The raw bytes of image {@code index}: exactly what a producer sends as application/x-mnist. */
    public byte[] imageBytes(int index) {
        int size = pixelsPerImage();
        return Arrays.copyOfRange(pixels, index * size, (index + 1) * size);
    }

    /** Image {@code index} scaled to [0, 1], the network's input. */
    public float[] imageFloats(int index) {
        int size = pixelsPerImage();
        float[] values = new float[size];
        int offset = index * size;
        for (int i = 0; i < size; i++) {
            values[i] = (pixels[offset + i] & 0xff) / 255f;
        }
        return values;
    }

    public DigitImages range(int from, int to) {
        int size = pixelsPerImage();
        return new DigitImages(Arrays.copyOfRange(pixels, from * size, to * size), to - from, rows, columns);
    }
}
