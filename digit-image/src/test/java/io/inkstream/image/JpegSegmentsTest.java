package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.inkstream.mnist.DigitRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JpegSegmentsTest {
    /** A colour picture of noise: its scans are full of 0xff bytes stuffed with 0x00, which the walk must step over. */
    private static BufferedImage noise(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    @Test
    void aBaselineJpegIsOneScan() {
        assertThat(JpegSegments.scans(DigitRenderer.jpeg(noise(300, 200, BufferedImage.TYPE_INT_RGB), 0.9f))).isEqualTo(1);
    }

    @Test
    void progressiveJpegsAreTheScansTheirEncoderWrote() {
        byte[] colour = DigitRenderer.progressiveJpeg(noise(300, 200, BufferedImage.TYPE_INT_RGB), 0.9f);
        byte[] gray = DigitRenderer.progressiveJpeg(noise(300, 200, BufferedImage.TYPE_BYTE_GRAY), 0.9f);
        assertThat(stuffedBytes(colour)).as("0xff 0x00 pairs in the scans").isGreaterThan(100);

        assertThat(JpegSegments.scans(colour)).isEqualTo(10);
        assertThat(JpegSegments.scans(gray)).isEqualTo(6);
        assertThat(PreprocessingLimits.MAX_JPEG_SCANS).isGreaterThanOrEqualTo(3 * 10);
    }

    @Test
    void countsTheFirstPictureOnlyNotAThumbnailInsideNorAPictureAfterIt() {
        byte[] thumbnail = DigitRenderer.progressiveJpeg(noise(40, 30, BufferedImage.TYPE_INT_RGB), 0.8f);
        byte[] picture = DigitRenderer.jpeg(noise(300, 200, BufferedImage.TYPE_INT_RGB), 0.9f);
        // A camera's EXIF carries a whole JPEG as its thumbnail; phones append a second picture after EOI (MPO, gain maps).
        byte[] withThumbnail = ExifOrientationTest.withApp1(picture, thumbnail);
        byte[] withSecondPicture = concat(picture, thumbnail);

        assertThat(JpegSegments.scans(withThumbnail)).isEqualTo(1);
        assertThat(JpegSegments.scans(withSecondPicture)).isEqualTo(1);
        assertThat(JpegSegments.scans("not a jpeg".getBytes())).isZero();
    }

    @Test
    void everyCutAndEveryBrokenByteIsCountedWithoutAnException() {
        byte[] jpeg = DigitRenderer.progressiveJpeg(noise(48, 40, BufferedImage.TYPE_INT_RGB), 0.7f);
        for (int length = 0; length <= jpeg.length; length++) {
            byte[] cut = Arrays.copyOf(jpeg, length);
            assertThatCode(() -> JpegSegments.scans(cut)).as("cut at %d", length).doesNotThrowAnyException();
        }
        int[] values = {0, 1, 2, 0x7f, 0x80, 0xd9, 0xda, 0xfe, 0xff};
        for (int at = 0; at < jpeg.length; at++) {
            for (int value : values) {
                byte[] broken = jpeg.clone();
                broken[at] = (byte) value;
                int where = at;
                assertThatCode(() -> JpegSegments.scans(broken)).as("byte %d set to %d", where, value).doesNotThrowAnyException();
            }
        }
    }

    private static int stuffedBytes(byte[] jpeg) {
        int count = 0;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && jpeg[i + 1] == 0) {
                count++;
            }
        }
        return count;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
