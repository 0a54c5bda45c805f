package io.inkstream.image;

import static io.inkstream.image.PhonePhotoOrientationTest.meanDifference;
import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.mnist.DigitRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed digit ({@code digit.png}, 40 x 40, 8-bit gray) as real encoders write it in every variant of the five formats
 * that people send, each read as the picture it was made from: the readers differ by variant (a 16-bit raster, a
 * palette with a transparent entry, Adam7 interlacing, a run-length BMP, CMYK), and so does how the preprocessing takes
 * the pixels (a gray raster as it is, a drawing on a transparent canvas from its alpha). The files are the
 * preprocessing's fuzz seeds. Made with ImageMagick 6.9.11 ({@code convert}): {@code -type Grayscale -define
 * png:bit-depth=16 -depth 16}; {@code -interlace PNG}; {@code PNG8:} and {@code PNG64:} and {@code -type GrayscaleAlpha}
 * of the digit as black ink whose alpha is the ink (a drawing on a transparent canvas); {@code -colorspace CMYK}; {@code
 * -sampling-factor 4:4:4 -type TrueColor}; {@code -interlace GIF}; a GIF of the ink in alpha; {@code BMP3:} with
 * {@code -type Palette -compress RLE}; {@code -type TrueColor -define bmp:subtype=RGB565}; a 32-bit BMP of the ink in
 * alpha. With libwebp 1.2.4 (Debian's {@code webp}): {@code cwebp -q 80} (lossy, VP8), {@code cwebp -lossless} (VP8L)
 * and {@code -lossless -z 0} (the fastest, more symbols of no bits), {@code cwebp -q 80 -exact} of the ink in alpha
 * (VP8X with an ALPH chunk), {@code img2webp -loop 0 -lossy} of the digit and a second picture (an animation: its first
 * frame is read, as a GIF's is), and {@code webpmux -set exif} of the lossy one with an EXIF Orientation tag of 6. With
 * colour profiles, which are set aside ({@link ColourProfiles}): libjpeg-turbo 2.1's {@code cjpeg -quality 90 -icc} of
 * the digit with the JDK's linear-RGB profile and with its gray one (a colour JPEG carrying a gray profile, which the
 * JDK's reader refuses to apply), and {@code webpmux -set icc} of the lossy WebP with the linear-RGB one.
 */
class EncoderVariantsTest {
    private static final DigitPreprocessor PREPROCESSOR = new DigitPreprocessor();

    /**
     * Tolerances, as a mean difference of the 784 values: 0.001 where the encoding keeps every level; 0.01 for lossy
     * ones; 0.05 for CMYK (converted without a colour profile, both ways); 0.07 where transparency is one bit (a GIF, a
     * palette PNG: the anti-aliased edge is gone, 0.055 from the original). Another digit, a 7, is 0.18 away; the ink in
     * alpha taken over black instead of read from its alpha has no ink at all, and is refused.
     */
    @ParameterizedTest
    @CsvSource({
            "digit-gray16.png,              0.001",
            "digit-interlaced.png,          0.001",
            "digit-gray-alpha.png,          0.001",
            "digit-rgba16.png,              0.001",
            "digit-palette-transparent.png, 0.07",
            "digit-rgb444.jpg,              0.01",
            "digit-cmyk.jpg,                0.05",
            "digit-linear-profile.jpg,      0.01",
            "digit-gray-profile.jpg,        0.01",
            "digit-interlaced.gif,          0.01",
            "digit-transparent.gif,         0.07",
            "digit-rle8.bmp,                0.01",
            "digit-rgb565.bmp,              0.01",
            "digit-argb32.bmp,              0.001",
            "digit-lossy.webp,              0.01",
            "digit-lossless.webp,           0.001",
            "digit-lossless-fastest.webp,   0.001",
            "digit-ink-in-alpha.webp,       0.001",
            "digit-animated.webp,           0.01",
            "digit-exif-quarter-turn.webp,  0.01",
            "digit-linear-profile.webp,     0.01"})
    void eachVariantIsReadAsThePictureItWasMadeFrom(String file, double tolerance) throws Exception {
        float[] png = PREPROCESSOR.preprocess(FuzzSeeds.read("digit.png")).pixels();

        PreprocessedDigit variant = PREPROCESSOR.preprocess(FuzzSeeds.read(file));

        assertThat(PREPROCESSOR.inspect(FuzzSeeds.read(file)).shortName())
                .isEqualTo(file.endsWith(".jpg") ? "jpeg" : file.substring(file.lastIndexOf('.') + 1));
        assertThat(new int[] {variant.width(), variant.height()}).containsExactly(40, 40);
        assertThat(meanDifference(png, variant.pixels())).as(file).isLessThan(tolerance);
    }

    /**
     * Chromium (156, headless, an {@code <img>} of each) shows a WebP as stored whatever its EXIF says, and turns a PNG
     * with the same tag: the person uploading a WebP sees it as stored, so it is read as stored.
     */
    @Test
    void aWebpsExifOrientationIsNotFollowedAsChromiumDoesNot() throws Exception {
        float[] untagged = PREPROCESSOR.preprocess(FuzzSeeds.read("digit-lossy.webp")).pixels();

        float[] tagged = PREPROCESSOR.preprocess(FuzzSeeds.read("digit-exif-quarter-turn.webp")).pixels();

        assertThat(meanDifference(untagged, tagged)).isZero();
        // The control: the same tag on the PNG turns it, and the turn is plainly seen.
        byte[] digit = FuzzSeeds.read("digit.png");
        float[] png = PREPROCESSOR.preprocess(digit).pixels();
        float[] turnedPng = PREPROCESSOR.preprocess(DigitRenderer.withExifOrientation(digit, 6)).pixels();
        assertThat(meanDifference(png, turnedPng)).isGreaterThan(0.08);
    }
}
