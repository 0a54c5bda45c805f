package io.inkstream.image;

/**
 * How many times a JPEG's scans go over its image, read from the segments before any pixel is decoded.
 *
 * <p>A progressive JPEG is sent as scans, each a part of the picture's coefficients, and its decoder goes over every
 * block of the scan's components for each one, whatever the scan holds. A scan that holds nothing but runs of empty
 * blocks takes about 17 bytes for a 4096 x 4096 picture, and the JDK's decoder (libjpeg) spends about 20 ms on it: a
 * 1 MiB file of 37,000 such scans kept one core busy for 12 minutes, past a stream thread's poll interval, and every
 * retry began again (libjpeg-turbo's {@code -maxscans} guards its own tools against the same file). Real encoders write
 * 6 scans for a gray picture and 10 for a colour one (libjpeg's progressive script), together going over the image 5
 * to 6 times: {@link #passes} counts the blocks every scan covers against the blocks of the whole image.
 */
final class JpegScans implements JpegSegments.Visitor {
    private final byte[] b;
    /** The frame's components (from its SOF segment): their ids and how many 8 x 8 blocks each has. */
    private int[] componentIds = new int[0];
    private long[] componentBlocks = new long[0];
    private long frameBlocks;
    private int scans;
    private long scanBlocks;

    private JpegScans(byte[] jpeg) {
        this.b = jpeg;
    }

    /** The scans of a JPEG's first frame, counted to its end (EOI) or to where its structure breaks. */
    static JpegScans of(byte[] jpeg) {
        JpegScans count = new JpegScans(jpeg);
        JpegSegments.walk(jpeg, count);
        return count;
    }

    int scans() {
        return scans;
    }

    /** The blocks all scans cover, as a multiple of the image's blocks; 0 without a frame to count them against. */
    double passes() {
        return frameBlocks == 0 ? 0 : (double) scanBlocks / frameBlocks;
    }

    @Override
    public boolean segment(int marker, int body, int length) {
        if (isFrameHeader(marker) && frameBlocks == 0) {
            readFrame(body, length);
        } else if (marker == JpegSegments.SOS && frameBlocks > 0) {
            readScan(body, length);
        }
        return true;
    }

    /** SOF0 to SOF15; 0xc4 (Huffman tables), 0xc8 (reserved) and 0xcc (arithmetic coding conditions) share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    /** Precision, height, width, the number of components, then each one's id, sampling factors and table. */
    private void readFrame(int body, int length) {
        if (length < 6) {
            return;
        }
        long height = JpegSegments.u16(b, body + 1);
        long width = JpegSegments.u16(b, body + 3);
        int count = b[body + 5] & 0xff;
        if (length < 6 + 3 * count) {
            return;
        }
        int maxH = 1;
        int maxV = 1;
        for (int i = 0; i < count; i++) {
            int sampling = b[body + 6 + 3 * i + 1] & 0xff;
            maxH = Math.max(maxH, sampling >> 4);
            maxV = Math.max(maxV, sampling & 0xf);
        }
        componentIds = new int[count];
        componentBlocks = new long[count];
        for (int i = 0; i < count; i++) {
            int at = body + 6 + 3 * i;
            int sampling = b[at + 1] & 0xff;
            // A component sampled h of maxH across covers ceil(width * h / maxH) pixels, in blocks of 8.
            long columns = ceil(ceil(width * Math.max(1, sampling >> 4), maxH), 8);
            long rows = ceil(ceil(height * Math.max(1, sampling & 0xf), maxV), 8);
            componentIds[i] = b[at] & 0xff;
            componentBlocks[i] = columns * rows;
            frameBlocks += componentBlocks[i];
        }
    }

    /** The number of components in the scan, then each one's id and tables, then the spectral selection. */
    private void readScan(int body, int length) {
        scans++;
        int count = length < 1 ? 0 : b[body] & 0xff;
        if (length < 1 + 2 * count) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int id = b[body + 1 + 2 * i] & 0xff;
            for (int c = 0; c < componentIds.length; c++) {
                if (componentIds[c] == id) {
                    scanBlocks += componentBlocks[c];
                    break;
                }
            }
        }
    }

    private static long ceil(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
