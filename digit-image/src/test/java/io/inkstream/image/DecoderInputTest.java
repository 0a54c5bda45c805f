package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole WebPs are read without the decoder meeting the end of their data; one whose data ends before its pixels is
 * stopped there and refused. The files, made with libwebp 1.2.4 (Debian's {@code webp}): {@code digit-lossless.webp}
 * ({@code cwebp -lossless} of the seed digit), {@code digit-lossless-fastest.webp} ({@code cwebp -lossless -z 0} of it,
 * which codes more symbols in no bits), {@code page-lossless-fastest.webp} ({@code cwebp -lossless -z 0} of a plain
 * 1000 x 700 page at level 250: 40 bytes, every pixel a symbol of no bits), and {@code digit-lossless-cut-in-half.webp},
 * the first 263 of the fastest digit's 526 bytes.
 */
class DecoderInputTest {

    @ParameterizedTest
    @CsvSource({
            "digit-lossless.webp,         40,   40",
            "digit-lossless-fastest.webp, 40,   40",
            "page-lossless-fastest.webp,  1000, 700"})
    void aWholeLosslessWebpIsReadWithoutMeetingTheEndOfItsData(String file, int width, int height) throws IOException {
        byte[] webp = FuzzSeeds.read(file);
        try (DecoderInput input = DecoderInput.of(webp, ImageFormat.WEBP)) {
            BufferedImage image = read(input);
            assertThat(image.getWidth()).isEqualTo(width);
            assertThat(image.getHeight()).isEqualTo(height);
            assertThat(input.ends()).as("reads that met the end of the data").isZero();
        }
        // The control: without the zeros after the data the decoder's look-ahead meets the end (23, 120 and 350,050
        // times: the page goes past the limit on such reads and is refused whole).
        try (DecoderInput input = new DecoderInput(webp, 0)) {
            catchThrowable(() -> read(input));
            assertThat(input.ends()).as("reads that met the end without the zeros").isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"digit-lossless-cut-in-half.webp", "slow-unit-0c1c6dfb5c71c4c6348fd182d813425f720f3a14"})
    void aWebpWhoseDataEndsBeforeItsPixelsIsRefusedAsUndecodable(String file) {
        // Read on past the end, the first is decoded with zeros for its lower half (4,424 reads at the end), the second, a
        // 574-byte file the fuzzer wrote, claims 40 x 1024 and was read as a blank page (158,000 reads, 0.25-0.45 s).
        ImageRejectedException refused = catchThrowableOfType(
                () -> new DigitPreprocessor().preprocess(FuzzSeeds.read(file)), ImageRejectedException.class);

        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.rejection()).isInstanceOfSatisfying(ImageRejection.Undecodable.class,
                undecodable -> assertThat(undecodable.cause()).contains("ends before its pixels"));
    }

    @Test
    void theEndIsReadAsTheEndALimitedNumberOfTimesThenAsAnErrorNoDecoderTakesForIt() throws IOException {
        try (DecoderInput input = new DecoderInput(new byte[] {1, 2}, 1)) {
            assertThat(new int[] {input.read(), input.read(), input.read()}).containsExactly(1, 2, 0);
            for (int end = 0; end < DecoderInput.ALLOWED_ENDS; end++) {
                assertThat(input.read()).isEqualTo(-1);
            }
            assertThatThrownBy(input::read).isInstanceOf(IIOException.class).isNotInstanceOf(EOFException.class);
        }
    }

    private static BufferedImage read(DecoderInput input) throws IOException {
        ImageReader reader = ImageIO.getImageReaders(input).next();
        try {
            reader.setInput(input, true, true);
            return reader.read(0);
        } finally {
            reader.dispose();
        }
    }
}
