package io.inkstream.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Embedded colour profiles, set aside before a picture's pixels are decoded: a digit's ink is as dark against its paper
 * in any profile, and applying one cost more than it could tell. With a profile the JDK's JPEG reader decodes into the
 * profile's colour space, which the preprocessing then converts pixel by pixel (a plain 4096 x 4096 page: 0.16 s without
 * a profile, 0.34 s with a linear-RGB one), and refuses a profile it cannot use: a colour JPEG carrying a gray profile, or
 * the JDK's own PYCC one, was 422 {@code undecodable} ("Numbers of source Raster bands and source color space components
 * do not match", "Can not access specified profile"), though browsers show both. TwelveMonkeys' WebP reader converts the
 * picture to sRGB by the profile: a 1,220-byte lossless 4096 x 4096 page took 0.9-1.7 s with a linear-RGB profile, 0.3-0.5
 * without. PNG's iCCP is metadata the reader is told to ignore already.
 *
 * <p>Nothing is removed or moved: the marks that point the decoder to the profile are changed in a copy (a JPEG's APP2
 * segment named {@code ICC_PROFILE} gets another name, a WebP's VP8X flag for a profile is cleared), and the profile's
 * bytes are skipped as an unknown segment or chunk. The upload itself is stored as sent.
 */
final class ColourProfiles {
    private static final int APP2 = 0xe2;
    private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    private ColourProfiles() {
    }

    /** The picture's bytes with its colour profile set aside, or the same array if it names none. */
    static byte[] setAside(byte[] image, ImageFormat format) {
        return switch (format) {
            case JPEG -> jpeg(image);
            case WEBP -> webp(image);
            default -> image;
        };
    }

    private static byte[] jpeg(byte[] jpeg) {
        byte[][] copy = {null};
        JpegSegments.walk(jpeg, (marker, body, length) -> {
            if (marker == APP2 && length >= ICC_PROFILE.length
                    && Arrays.equals(jpeg, body, body + ICC_PROFILE.length, ICC_PROFILE, 0, ICC_PROFILE.length)) {
                if (copy[0] == null) {
                    copy[0] = jpeg.clone();
                }
                copy[0][body] = 'X'; // "XCC_PROFILE": an APP2 segment of no known kind, skipped
            }
            return marker != JpegSegments.SOS; // the profile comes before the first scan
        });
        return copy[0] == null ? jpeg : copy[0];
    }

    private static byte[] webp(byte[] webp) {
        return WebpChunks.extendedWith(webp, WebpChunks.PROFILE) ? WebpChunks.withoutFlag(webp, WebpChunks.PROFILE) : webp;
    }
}
