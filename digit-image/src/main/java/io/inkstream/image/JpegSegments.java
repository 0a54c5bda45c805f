package io.inkstream.image;

/**
 * Walks a JPEG's marker segments, from SOI to EOI, stepping over the entropy-coded data after each scan header: what
 * {@link ExifOrientation} reads the EXIF from and {@link #scans} counts the scans with.
 *
 * <p>The bytes are untrusted: every segment's length is checked against the bytes left before its body is handed on,
 * every step moves forward, and nothing is allocated, so a walk costs at most one look at each byte. Where the structure
 * breaks the walk ends, as if the file ended there: the decoder says what is wrong with it.
 */
final class JpegSegments {
    static final int SOI = 0xd8;
    static final int EOI = 0xd9;
    static final int SOS = 0xda;
    static final int APP1 = 0xe1;

    /** Told each segment in turn; answers whether to go on. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param marker the marker's second byte (0xda for a scan header)
         * @param body   where the segment's body starts, after its two length bytes
         * @param length the body's length; {@code body + length} lies within the bytes
         */
        boolean segment(int marker, int body, int length);
    }

    private JpegSegments() {
    }

    /**
     * The scans of a JPEG's first picture (to its EOI, or to where its structure breaks; a thumbnail inside a segment or
     * a second picture after EOI is not counted). A progressive JPEG is sent as scans, each a part of its coefficients,
     * and the JDK's decoder (libjpeg, driven by ImageIO) draws the whole picture again after every scan, whatever the scan
     * holds: a scan that says "all these blocks are empty" is about 34 bytes for a 4096 x 4096 picture and costs 20 ms (60
     * with four components). Encoders write one scan per picture, or one per component, or 6 (gray) to 10 (colour) for
     * a progressive one (libjpeg's script).
     */
    static int scans(byte[] jpeg) {
        int[] scans = {0};
        walk(jpeg, (marker, body, length) -> {
            if (marker == SOS) {
                scans[0]++;
            }
            return true;
        });
        return scans[0];
    }

    /** Every segment with a body after SOI, in order, until EOI, a broken structure, the end of the bytes or the visitor stops. */
    static void walk(byte[] b, Visitor visitor) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != SOI) {
            return;
        }
        int at = 2;
        while (at + 4 <= b.length) {
            if ((b[at] & 0xff) != 0xff) {
                return;
            }
            int marker = b[at + 1] & 0xff;
            if (marker == 0xff) { // a fill byte before the marker
                at++;
                continue;
            }
            if (marker == SOI || marker == 0x01 || isRestart(marker)) { // no length follows these
                at += 2;
                continue;
            }
            if (marker == EOI) {
                return;
            }
            int length = u16(b, at + 2);
            if (length < 2 || at + 2 + length > b.length) {
                return;
            }
            if (!visitor.segment(marker, at + 4, length - 2)) {
                return;
            }
            at += 2 + length;
            if (marker == SOS) {
                at = afterEntropyCodedData(b, at);
            }
        }
    }

    /**
     * Where the next marker after a scan's data starts (or the end): in the data a 0xff byte is followed by 0x00 (a
     * stuffed byte), by a restart marker, or by more 0xff fill bytes; anything else is the next marker.
     */
    private static int afterEntropyCodedData(byte[] b, int at) {
        while (at + 1 < b.length) {
            if ((b[at] & 0xff) != 0xff) {
                at++;
                continue;
            }
            int next = b[at + 1] & 0xff;
            if (next == 0x00 || isRestart(next)) {
                at += 2;
            } else if (next == 0xff) {
                at++;
            } else {
                return at;
            }
        }
        return b.length;
    }

    /** A JPEG's two-byte numbers are big-endian. */
    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static boolean isRestart(int marker) {
        return marker >= 0xd0 && marker <= 0xd7;
    }
}
