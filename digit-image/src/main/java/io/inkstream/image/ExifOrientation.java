package io.inkstream.image;

/**
 * Which way up a camera says its picture goes: the EXIF Orientation tag (TIFF tag 274) of a JPEG, or of a PNG's eXIf
 * chunk. A phone held upright stores its sensor's pixels as they came, on their side, and only this tag says to turn
 * them a quarter; every browser and photo viewer does (Chromium for both formats), so the person who uploads the photo
 * sees the digit upright. Without it, the network would read a 7 lying on its side.
 *
 * <p>The bytes are untrusted: the reader walks the JPEG's segments up to the first scan ({@link JpegSegments}; the PNG's
 * chunks up to the first image data) and IFD0's entries only, each offset and count checked against the bytes before it
 * is used, so its work is bounded by the upload's size and nothing is allocated but the answer. Anything malformed,
 * absent or out of range reads as {@link #AS_STORED}: a picture with a broken tag is still classified as it is stored,
 * as before this class.
 */
enum ExifOrientation {
    /** 1: row 0 at the top, column 0 at the left. */
    AS_STORED,
    /** 2: mirrored left to right. */
    MIRRORED,
    /** 3: turned half a turn. */
    UPSIDE_DOWN,
    /** 4: mirrored top to bottom. */
    FLIPPED,
    /** 5: row 0 on the left, column 0 at the top (transposed). */
    TRANSPOSED,
    /** 6: row 0 on the right, column 0 at the top: turn a quarter clockwise to view (a phone held upright). */
    QUARTER_CLOCKWISE,
    /** 7: row 0 on the right, column 0 at the bottom (transposed the other way). */
    TRANSVERSED,
    /** 8: row 0 on the left, column 0 at the bottom: turn a quarter anticlockwise to view. */
    QUARTER_ANTICLOCKWISE;

    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final int IDAT = 0x49444154;
    private static final int EXIF_CHUNK = 0x65584966; // "eXIf"

    /** The picture as it is viewed: its values (row-major) and the sides, which a quarter turn swaps. */
    record Viewed(float[] values, int width, int height) {
    }

    /** What the EXIF of a JPEG (its APP1 segment) or a PNG (its eXIf chunk) says; {@link #AS_STORED} for any other bytes. */
    static ExifOrientation of(byte[] image, ImageFormat format) {
        int tiff = switch (format) {
            case JPEG -> jpegExif(image);
            case PNG -> pngExif(image);
            default -> -1;
        };
        if (tiff < 0) {
            return AS_STORED;
        }
        int value = orientationInIfd0(image, tiff);
        return value >= 1 && value <= 8 ? values()[value - 1] : AS_STORED;
    }

    /** True when viewing the picture swaps its width and height. */
    boolean swapsSides() {
        return ordinal() >= TRANSPOSED.ordinal();
    }

    /** The stored picture ({@code width} x {@code height}, row-major) turned or mirrored the way it is viewed. */
    Viewed view(float[] stored, int width, int height) {
        if (this == AS_STORED) {
            return new Viewed(stored, width, height);
        }
        int viewedWidth = swapsSides() ? height : width;
        int viewedHeight = swapsSides() ? width : height;
        float[] viewed = new float[stored.length];
        for (int y = 0; y < viewedHeight; y++) {
            for (int x = 0; x < viewedWidth; x++) {
                // The stored pixel shown at (x, y): from where the tag puts the stored row 0 and column 0.
                int sx;
                int sy;
                switch (this) {
                    case MIRRORED -> { sx = width - 1 - x; sy = y; }
                    case UPSIDE_DOWN -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case FLIPPED -> { sx = x; sy = height - 1 - y; }
                    case TRANSPOSED -> { sx = y; sy = x; }
                    case QUARTER_CLOCKWISE -> { sx = y; sy = height - 1 - x; }
                    case TRANSVERSED -> { sx = width - 1 - y; sy = height - 1 - x; }
                    case QUARTER_ANTICLOCKWISE -> { sx = width - 1 - y; sy = x; }
                    default -> throw new AssertionError(this);
                }
                viewed[y * viewedWidth + x] = stored[sy * width + sx];
            }
        }
        return new Viewed(viewed, viewedWidth, viewedHeight);
    }

    /**
     * Where the TIFF header of the first APP1 "Exif" segment starts, or -1: among the segments after SOI, up to the first
     * scan (SOS), where metadata ends.
     */
    private static int jpegExif(byte[] b) {
        int[] tiff = {-1};
        JpegSegments.walk(b, (marker, body, length) -> {
            if (marker == JpegSegments.SOS) {
                return false;
            }
            if (marker == JpegSegments.APP1 && length >= 6 + 8 && b[body] == 'E' && b[body + 1] == 'x' && b[body + 2] == 'i'
                    && b[body + 3] == 'f' && b[body + 4] == 0 && b[body + 5] == 0) {
                tiff[0] = body + 6;
                return false;
            }
            return true;
        });
        return tiff[0];
    }

    /**
     * Where the TIFF header in the eXIf chunk starts, or -1. Walks the chunks after the signature until the first
     * image data (IDAT; the PNG specification puts eXIf before it) or the bytes end; every chunk's
     * length is checked against the bytes left.
     */
    private static int pngExif(byte[] b) {
        long at = 8;
        while (at + 8 <= b.length) {
            long length = u32(b, (int) at, false);
            int type = (int) u32(b, (int) at + 4, false);
            long data = at + 8;
            if (type == IDAT || data + length > b.length) {
                return -1;
            }
            if (type == EXIF_CHUNK) {
                return length >= 8 ? (int) data : -1;
            }
            at = data + length + 4; // and the CRC
        }
        return -1;
    }

    /**
     * The Orientation entry's value in IFD0 of the TIFF structure at {@code tiff} (at least its 8-byte header lies
     * within the bytes), or 0 when there is none.
     */
    private static int orientationInIfd0(byte[] b, int tiff) {
        // Offsets are checked against the whole upload, not the segment or chunk that holds the TIFF structure: a wrong
        // one reads other bytes of the same upload at worst, never outside it.
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 0;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > b.length) {
            return 0;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > b.length) {
                return 0;
            }
            int at = (int) entry;
            if (u16(b, at, little) == ORIENTATION_TAG) {
                // One SHORT, held in the entry's value field itself.
                return u16(b, at + 2, little) == TYPE_SHORT && u32(b, at + 4, little) == 1 ? u16(b, at + 8, little) : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int first = b[at] & 0xff;
        int second = b[at + 1] & 0xff;
        return little ? first | second << 8 : first << 8 | second;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long high = u16(b, little ? at + 2 : at, little);
        long low = u16(b, little ? at : at + 2, little);
        return high << 16 | low;
    }
}
