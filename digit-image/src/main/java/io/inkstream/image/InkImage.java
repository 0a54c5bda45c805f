package io.inkstream.image;

/**
 * A grayscale image as floats, 0 = background and 1 = full ink, with the few geometric operations
 * that MNIST's own normalisation used: crop, aspect-preserving resize, and placement by centre of mass.
 */
final class InkImage {
    final int width;
    final int height;
    final float[] values;

    InkImage(int width, int height, float[] values) {
        if (values.length != width * height) {
            throw new IllegalArgumentException(width + " x " + height + " needs " + width * height + " values");
        }
        this.width = width;
        this.height = height;
        this.values = values;
    }

    float at(int x, int y) {
        return values[y * width + x];
    }

    /** The smallest rectangle holding every value above {@code threshold}, or null when there is none. */
    int[] inkBounds(float threshold) {
        int minX = width;
        int minY = height;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (values[y * width + x] > threshold) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? null : new int[] {minX, minY, maxX - minX + 1, maxY - minY + 1};
    }

    InkImage crop(int x0, int y0, int w, int h) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(values, (y0 + y) * width + x0, out, y * w, w);
        }
        return new InkImage(w, h, out);
    }

    /** Resizes so that the longer side is {@code side} pixels, keeping the aspect ratio. */
    InkImage fitLongestSide(int side) {
        double scale = (double) side / Math.max(width, height);
        int w = Math.max(1, (int) Math.round(width * scale));
        int h = Math.max(1, (int) Math.round(height * scale));
        return resizeRows(w).resizeColumns(h);
    }

    private InkImage resizeRows(int newWidth) {
        float[] out = new float[newWidth * height];
        Resampling resampling = Resampling.of(width, newWidth);
        for (int y = 0; y < height; y++) {
            resampling.apply(values, y * width, 1, out, y * newWidth, 1);
        }
        return new InkImage(newWidth, height, out);
    }

    private InkImage resizeColumns(int newHeight) {
        float[] out = new float[width * newHeight];
        Resampling resampling = Resampling.of(height, newHeight);
        for (int x = 0; x < width; x++) {
            resampling.apply(values, x, width, out, x, width);
        }
        return new InkImage(width, newHeight, out);
    }

    /**
     * One axis of a separable resize, worked out once for all the lines along it: area averaging when shrinking (every
     * source pixel counts by the share of it that each target pixel covers, as anti-aliased scanning does), linear
     * interpolation when enlarging. Target pixel {@code i} is the sum of {@code weight[k] * source pixel source[k]} for
     * {@code k} from {@code tapStart[i]} to {@code tapStart[i + 1]}, over {@code divisor}.
     */
    private record Resampling(int[] tapStart, int[] source, double[] weight, double divisor) {
        static Resampling of(int srcLength, int dstLength) {
            double ratio = (double) srcLength / dstLength;
            int mostTaps = ratio >= 1 ? (int) Math.ceil(ratio) + 2 : 2;
            int[] tapStart = new int[dstLength + 1];
            int[] source = new int[dstLength * mostTaps];
            double[] weight = new double[dstLength * mostTaps];
            int taps = 0;
            for (int i = 0; i < dstLength; i++) {
                tapStart[i] = taps;
                if (ratio >= 1) {
                    double start = i * ratio;
                    double end = start + ratio;
                    for (int s = (int) Math.floor(start); s < Math.min(srcLength, (int) Math.ceil(end)); s++) {
                        source[taps] = s;
                        weight[taps++] = Math.min(end, s + 1) - Math.max(start, s);
                    }
                } else {
                    double position = Math.max(0, Math.min(srcLength - 1, (i + 0.5) * ratio - 0.5));
                    int left = (int) Math.floor(position);
                    double t = position - left;
                    source[taps] = left;
                    weight[taps++] = 1 - t;
                    source[taps] = Math.min(srcLength - 1, left + 1);
                    weight[taps++] = t;
                }
            }
            tapStart[dstLength] = taps;
            return new Resampling(tapStart, source, weight, ratio >= 1 ? ratio : 1);
        }

        void apply(float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride) {
            for (int i = 0; i + 1 < tapStart.length; i++) {
                double sum = 0;
                for (int k = tapStart[i]; k < tapStart[i + 1]; k++) {
                    sum += weight[k] * src[srcOffset + source[k] * srcStride];
                }
                dst[dstOffset + i * dstStride] = (float) (sum / divisor);
            }
        }
    }

    /**
     * The mean stroke width in pixels, estimated as twice the ink area over its outline length
     * (a stroke of width w and length L has area wL and outline 2L); ink is what exceeds 0.5.
     */
    double strokeWidth() {
        int area = 0;
        int outline = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (!inked(x, y)) {
                    continue;
                }
                area++;
                outline += (inked(x - 1, y) ? 0 : 1) + (inked(x + 1, y) ? 0 : 1)
                        + (inked(x, y - 1) ? 0 : 1) + (inked(x, y + 1) ? 0 : 1);
            }
        }
        return outline == 0 ? 0 : 2.0 * area / outline;
    }

    private boolean inked(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && values[y * width + x] > 0.5f;
    }

    /**
     * Thickens strokes by {@code radius} pixels on every side: a square maximum filter, which on
     * MNIST's renders read better than a round one. Used on the ink box at its small working size.
     */
    InkImage dilate(int radius) {
        return new InkImage(width, height, SquareFilter.maximum(values, width, height, radius));
    }

    /**
     * Thins strokes by {@code radius} pixels on every side: a square minimum filter, the opposite of {@link #dilate}; beyond
     * the edges is no ink, so a stroke that touches an edge thins from it too (where {@link SquareFilter#minimum} clips).
     */
    InkImage erode(int radius) {
        InkImage padded = pad(radius); // no ink beyond the edges: SquareFilter's windows are clipped to the padded image
        return new InkImage(padded.width, padded.height, SquareFilter.minimum(padded.values, padded.width, padded.height, radius))
                .crop(radius, radius, width, height);
    }

    /** Adds an empty border of {@code margin} pixels, so that dilation has room to grow (and erosion thins from the edges). */
    InkImage pad(int margin) {
        int w = width + 2 * margin;
        int h = height + 2 * margin;
        float[] out = new float[w * h];
        for (int y = 0; y < height; y++) {
            System.arraycopy(values, y * width, out, (y + margin) * w + margin, width);
        }
        return new InkImage(w, h, out);
    }

    /**
     * Places this image on a {@code side} x {@code side} canvas so that its centre of mass lands on
     * the canvas centre, as MNIST did; what would fall outside is clipped.
     */
    float[] centreByMass(int side) {
        double mass = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = values[y * width + x];
                mass += v;
                sumX += v * x;
                sumY += v * y;
            }
        }
        double centreX = mass > 0 ? sumX / mass : (width - 1) / 2.0;
        double centreY = mass > 0 ? sumY / mass : (height - 1) / 2.0;
        int offsetX = (int) Math.round((side - 1) / 2.0 - centreX);
        int offsetY = (int) Math.round((side - 1) / 2.0 - centreY);
        float[] canvas = new float[side * side];
        for (int y = 0; y < height; y++) {
            int ty = y + offsetY;
            if (ty < 0 || ty >= side) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int tx = x + offsetX;
                if (tx >= 0 && tx < side) {
                    canvas[ty * side + tx] = Math.min(1f, Math.max(0f, values[y * width + x]));
                }
            }
        }
        return canvas;
    }
}
