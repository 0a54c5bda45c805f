package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.mnist.DigitRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * WebP as a real encoder writes it, each read as the picture it was made from. The files are the preprocessing's fuzz
 * seeds, made from the seed {@code digit.png} with libwebp 1.2.4 (Debian's {@code webp}): {@code cwebp -q 80}
 * (lossy, VP8), {@code cwebp -lossless} (VP8L), {@code cwebp -q 80 -exact} of the digit as black ink whose alpha is
 * the ink (VP8X with an ALPH chunk: a drawing app's transparent canvas), {@code img2webp -loop 0 -lossy} of the digit
 * and a second picture (an animation: its first frame is read, as a GIF's is), and {@code webpmux -set exif} of the
 * lossy one with an EXIF Orientation tag of 6.
 */
class WebpUploadsTest {
    private static final DigitPreprocessor PREPROCESSOR = new DigitPreprocessor();
    private static final String SEEDS = "DigitPreprocessorFuzzTestInputs/refusesOrNormalisesAnyInput/";

    @ParameterizedTest
    @CsvSource({
            "digit-lossy.webp,            0.02",
            "digit-lossless.webp,         0.0001",
            "digit-ink-in-alpha.webp,     0.02",
            "digit-animated.webp,         0.02",
            "digit-exif-quarter-turn.webp, 0.02"})
    void aWebpIsReadAsThePictureItWasMadeFrom(String file, double tolerance) throws Exception {
        float[] png = PREPROCESSOR.preprocess(seed("digit.png")).pixels();

        PreprocessedDigit webp = PREPROCESSOR.preprocess(seed(file));

        assertThat(PREPROCESSOR.inspect(seed(file))).isEqualTo(ImageFormat.WEBP);
        assertThat(new int[] {webp.width(), webp.height()}).containsExactly(40, 40);
        assertThat(meanDifference(png, webp.pixels())).as(file).isLessThan(tolerance);
    }

    /**
     * Chromium (156, headless, an {@code <img>} of each) shows a WebP as stored whatever its EXIF says, and turns a PNG
     * with the same tag: the person uploading a WebP sees it as stored, so it is read as stored.
     */
    @Test
    void aWebpsExifOrientationIsNotFollowedAsChromiumDoesNot() throws Exception {
        float[] untagged = PREPROCESSOR.preprocess(seed("digit-lossy.webp")).pixels();

        float[] tagged = PREPROCESSOR.preprocess(seed("digit-exif-quarter-turn.webp")).pixels();

        assertThat(meanDifference(untagged, tagged)).isZero();
        // The control: the same tag on the PNG turns it, and the turn is plainly seen.
        float[] png = PREPROCESSOR.preprocess(seed("digit.png")).pixels();
        float[] turnedPng = PREPROCESSOR.preprocess(DigitRenderer.withExifOrientation(seed("digit.png"), 6)).pixels();
        assertThat(meanDifference(png, turnedPng)).isGreaterThan(0.08);
    }

    private static byte[] seed(String name) {
        try (InputStream in = WebpUploadsTest.class.getResourceAsStream(SEEDS + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double meanDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
