package io.inkstream.image;

import java.nio.charset.StandardCharsets;

/**
 * A WebP's first chunk, after "RIFF", the size and "WEBP": which kind of picture it holds ("VP8 ", "VP8L", or "VP8X", an
 * extended file), and an extended file's flags. What {@link DecodingCost} and {@link ColourProfiles} read of a WebP.
 */
final class WebpChunks {
    /** VP8X's flag for an alpha channel in any of its pictures. */
    static final int ALPHA = 0x10;
    /** VP8X's flag for an ICCP chunk, a colour profile. */
    static final int PROFILE = 0x20;

    private static final int FIRST_NAME = 12;
    private static final int VP8X_FLAGS = 20;

    private WebpChunks() {
    }

    /** Whether the bytes reach the extended header's flags: a file too short for them cannot say what it holds. */
    static boolean saysWhatItHolds(byte[] webp) {
        return webp.length > VP8X_FLAGS;
    }

    /** The first chunk's name; "" when the file is too short to have one. */
    static String first(byte[] webp) {
        return webp.length < FIRST_NAME + 4 ? "" : new String(webp, FIRST_NAME, 4, StandardCharsets.ISO_8859_1);
    }

    /** Whether the file is an extended one (VP8X) with {@code flag} set. */
    static boolean extendedWith(byte[] webp, int flag) {
        return saysWhatItHolds(webp) && "VP8X".equals(first(webp)) && (webp[VP8X_FLAGS] & flag) != 0;
    }

    /** A copy of an extended file with {@code flag} cleared. */
    static byte[] withoutFlag(byte[] webp, int flag) {
        byte[] copy = webp.clone();
        copy[VP8X_FLAGS] &= (byte) ~flag;
        return copy;
    }
}
