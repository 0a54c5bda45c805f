package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pixels are charged by what their decoder costs a pixel, read from real files of each kind (the fuzz seeds, 40 x 40). */
class DecodingCostTest {
    @ParameterizedTest
    @CsvSource({
            "digit.png,                    1",
            "digit-gray16.png,             1", // 16 bits, gray: about an RGBA PNG's cost
            "digit-rgba16.png,             4", // 16 bits a channel, colour
            "digit.jpg,                    1",
            "digit-cmyk.jpg,               5", // four components: converted pixel by pixel
            "digit.gif,                    1",
            "digit.bmp,                    1",
            "digit-lossless.webp,          2", // VP8L
            "digit-lossy.webp,             4", // VP8
            "digit-exif-quarter-turn.webp, 4", // VP8X around a lossy picture and EXIF
            "digit-animated.webp,          4", // VP8X, an animation of lossy frames
            "digit-ink-in-alpha.webp,      6"}) // VP8X with an alpha channel
    void theInspectionCountsPixelsByWhatTheirDecoderCostsAPixel(String file, int perPixel) throws Exception {
        byte[] image = FuzzSeeds.read(file);
        ImageFormat format = ImageFormat.sniff(image).orElseThrow();
        assertThat(DecodingCost.perPixel(image, format)).isEqualTo(perPixel);
        // What the gateway charges the client against its decoding rate.
        assertThat(new DigitPreprocessor().inspection(image).decodeCost()).isEqualTo(40L * 40 * perPixel);
    }

    @ParameterizedTest
    @CsvSource({"0", "12", "20"})
    void aWebpTooShortToSayWhatItHoldsCountsAsTheDearest(int length) {
        byte[] cut = Arrays.copyOf(FuzzSeeds.read("digit-lossless.webp"), length);
        assertThat(DecodingCost.perPixel(cut, ImageFormat.WEBP)).isEqualTo(DecodingCost.WEBP_LOSSY_WITH_ALPHA);
    }
}
