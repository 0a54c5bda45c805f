package io.inkstream.image;

import java.nio.charset.StandardCharsets;

/**
 * What a WebP's first chunk says about the cost of decoding its pixels. TwelveMonkeys decodes WebP in Java, and a pixel
 * of it costs the classifier several of another format's: the whole preprocessing of a plain 4096 x 4096 page, best of
 * three (docs/tools/PreprocessProbe.java), took 0.08-0.25 s as PNG (gray to RGBA), 0.05-0.18 s as a baseline JPEG, 0.09 s
 * a scan as a progressive one, 0.15 s as GIF; as WebP 0.30-0.35 s lossless (VP8L), 0.82-0.85 s lossy (VP8) and 1.1-1.5 s
 * lossy with an alpha channel (VP8X with ALPH). Against the dearest pixel of the others (an RGBA PNG's) that is 1.4, 3.4
 * and 6 times: counting a WebP's pixels {@link #costPerPixel} times keeps what a client may make the classifier decode
 * within about the same time whatever format it sends.
 */
final class WebpHeader {
    static final int LOSSLESS = 2;
    static final int LOSSY = 4;
    static final int LOSSY_WITH_ALPHA = 6;

    /** VP8X's flag for an alpha channel in any of its pictures. */
    private static final int ALPHA_FLAG = 0x10;

    private WebpHeader() {
    }

    /**
     * How many pixels of another format each of this WebP's pixels counts for: by its first chunk, after "RIFF", the size
     * and "WEBP". An extended file (VP8X) may hold a lossy or a lossless picture; it is counted as lossy, or as lossy with
     * alpha when its flags say it has an alpha channel, and a file too short or strange to say as the dearest.
     */
    static int costPerPixel(byte[] webp) {
        if (webp.length < 21) {
            return LOSSY_WITH_ALPHA;
        }
        return switch (new String(webp, 12, 4, StandardCharsets.ISO_8859_1)) {
            case "VP8L" -> LOSSLESS;
            case "VP8 " -> LOSSY;
            case "VP8X" -> (webp[20] & ALPHA_FLAG) != 0 ? LOSSY_WITH_ALPHA : LOSSY;
            default -> LOSSY_WITH_ALPHA;
        };
    }
}
