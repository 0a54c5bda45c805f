package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A WebP's pixels are charged by what its decoder costs a pixel, read from real files of each kind (libwebp 1.2.4). */
class WebpHeaderTest {

    @ParameterizedTest
    @CsvSource({
            "digit-lossless.webp,          2", // VP8L
            "digit-lossy.webp,             4", // VP8
            "digit-exif-quarter-turn.webp, 4", // VP8X around a lossy picture and EXIF
            "digit-animated.webp,          4", // VP8X, an animation of lossy frames
            "digit-ink-in-alpha.webp,      6"}) // VP8X with an alpha channel
    void theInspectionCountsAWebpsPixelsByWhatItsDecoderCostsAPixel(String file, int perPixel) throws Exception {
        byte[] webp = FuzzSeeds.read(file);
        assertThat(WebpHeader.costPerPixel(webp)).isEqualTo(perPixel);
        // Every seed is 40 x 40: the gateway charges its client this much against the decoding rate.
        assertThat(new DigitPreprocessor().inspection(webp).decodeCost()).isEqualTo(40L * 40 * perPixel);
    }

    @ParameterizedTest
    @CsvSource({"0", "12", "20"})
    void aWebpTooShortToSayWhatItHoldsCountsAsTheDearest(int length) {
        byte[] cut = Arrays.copyOf(FuzzSeeds.read("digit-lossless.webp"), length);
        assertThat(WebpHeader.costPerPixel(cut)).isEqualTo(WebpHeader.LOSSY_WITH_ALPHA);
    }
}
