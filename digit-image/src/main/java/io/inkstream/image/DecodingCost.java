package io.inkstream.image;

import java.nio.charset.StandardCharsets;

/**
 * What decoding one of a picture's pixels costs the classifier, counted in pixels of the other formats, from its header.
 * The whole preprocessing of a plain 4096 x 4096 page, best of three, warm (docs/tools/PreprocessProbe.java): PNG of 8 bits
 * a channel 0.08-0.25 s (gray to RGBA), baseline JPEG 0.05-0.18 s, 0.09 s a scan of a progressive one, GIF 0.15 s; but a
 * colour PNG of 16 bits a channel 0.9 s (the JDK's reader moves its samples one pixel at a time), and WebP, which
 * TwelveMonkeys decodes in Java, 0.30-0.35 s lossless (VP8L), 0.82-0.85 s lossy (VP8) and 1.1-1.5 s lossy with an alpha
 * channel (VP8X with ALPH). Against the dearest pixel of the others (an RGBA PNG's of 8 bits) that is 3.6 times, 4.8
 * times, and 1.4, 3.4 and 6 times: counting those pixels {@link #perPixel} times keeps what a client may make the
 * classifier decode within about the same time whatever it sends.
 */
final class DecodingCost {
    static final int PNG_16_BIT_COLOUR = 4;
    static final int JPEG_FOUR_COMPONENTS = 5;
    static final int WEBP_LOSSLESS = 2;
    static final int WEBP_LOSSY = 4;
    static final int WEBP_LOSSY_WITH_ALPHA = 6;

    /** PNG's colour types with three colour channels: RGB and RGBA. */
    private static final int PNG_RGB = 2;
    private static final int PNG_RGBA = 6;

    private DecodingCost() {
    }

    /** How many pixels of the other formats each of this picture's pixels counts for. */
    static int perPixel(byte[] image, ImageFormat format) {
        return switch (format) {
            case WEBP -> webp(image);
            case PNG -> png(image);
            case JPEG -> jpeg(image);
            default -> 1;
        };
    }

    /** By its first frame header: four components (CMYK, or YCCK) or fewer. */
    private static int jpeg(byte[] jpeg) {
        int[] components = {0};
        JpegSegments.walk(jpeg, (marker, body, length) -> {
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame && length >= 6) {
                components[0] = jpeg[body + 5] & 0xff;
            }
            return !frame;
        });
        return components[0] == 4 ? JPEG_FOUR_COMPONENTS : 1;
    }

    /** By its IHDR, which a PNG's signature is followed by: a colour picture of 16 bits a channel, or any other. */
    private static int png(byte[] png) {
        if (png.length < 26 || !"IHDR".equals(new String(png, 12, 4, StandardCharsets.ISO_8859_1))) {
            return 1; // no picture to decode: the decoder refuses it
        }
        int depth = png[24] & 0xff;
        int colourType = png[25] & 0xff;
        return depth == 16 && (colourType == PNG_RGB || colourType == PNG_RGBA) ? PNG_16_BIT_COLOUR : 1;
    }

    /**
     * By its first chunk, after "RIFF", the size and "WEBP". An extended file (VP8X) may hold a lossy or a lossless picture;
     * it is counted as lossy, or as lossy with alpha when its flags say it has an alpha channel, and a file too short or
     * strange to say as the dearest.
     */
    private static int webp(byte[] webp) {
        if (!WebpChunks.saysWhatItHolds(webp)) {
            return WEBP_LOSSY_WITH_ALPHA;
        }
        return switch (WebpChunks.first(webp)) {
            case "VP8L" -> WEBP_LOSSLESS;
            case "VP8 " -> WEBP_LOSSY;
            case "VP8X" -> WebpChunks.extendedWith(webp, WebpChunks.ALPHA) ? WEBP_LOSSY_WITH_ALPHA : WEBP_LOSSY;
            default -> WEBP_LOSSY_WITH_ALPHA;
        };
    }
}
