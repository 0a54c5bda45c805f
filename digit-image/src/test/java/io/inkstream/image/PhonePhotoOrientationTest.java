package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.mnist.DigitRenderer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A phone stores its photo's pixels as the sensor gave them and says in EXIF how to turn them; what the person saw
 * when they took it, and sees when they upload it, is the turned picture. Each orientation's stored pixels are made
 * here from the upright photo by the inverse of the operation the EXIF specification names for it, with the turns and
 * the tag the real-world evaluation's phone photos use ({@code DigitRenderer}).
 */
class PhonePhotoOrientationTest {
    private static final DigitPreprocessor PREPROCESSOR = new DigitPreprocessor();

    /** The pixels a camera stores for a photo viewed as {@code upright}: the operation EXIF 2.32 names for the tag, undone. */
    private static BufferedImage storedFor(BufferedImage upright, int tag) {
        return switch (tag) {
            case 1 -> upright;                                                  // as stored
            case 2 -> mirrorLeftToRight(upright);                               // mirror horizontal
            case 3 -> DigitRenderer.quarterTurnsClockwise(upright, 2);          // rotate 180
            case 4 -> DigitRenderer.quarterTurnsClockwise(mirrorLeftToRight(upright), 2); // mirror vertical
            case 5 -> mirrorLeftToRight(DigitRenderer.quarterTurnsClockwise(upright, 1)); // mirror horizontal and rotate 270 CW
            case 6 -> DigitRenderer.quarterTurnsClockwise(upright, 3);          // rotate 90 CW
            case 7 -> mirrorLeftToRight(DigitRenderer.quarterTurnsClockwise(upright, 3)); // mirror horizontal and rotate 90 CW
            case 8 -> DigitRenderer.quarterTurnsClockwise(upright, 1);          // rotate 270 CW
            default -> throw new IllegalArgumentException("tag " + tag);
        };
    }

    @Test
    void aJpegStoredOnItsSideIsReadAsItsViewerSeesIt() throws Exception {
        assertEveryTagIsReadAsViewed(image -> DigitRenderer.jpeg(image, 0.95f), 0.02);
    }

    @Test
    void aPngWithAnExifChunkIsReadAsItsViewerSeesIt() throws Exception {
        // Rarer than in JPEGs, but browsers turn these too (Chromium does): what the person sees is what is read.
        assertEveryTagIsReadAsViewed(DigitRenderer::png, 0.001);
    }

    private static void assertEveryTagIsReadAsViewed(Function<BufferedImage, byte[]> encode, double tolerance) throws Exception {
        BufferedImage upright = sevenOnPaper(360, 240);
        float[] seen = PREPROCESSOR.preprocess(encode.apply(upright)).pixels();
        for (int tag = 1; tag <= 8; tag++) {
            BufferedImage stored = storedFor(upright, tag);
            byte[] photo = DigitRenderer.withExifOrientation(encode.apply(stored), tag);

            PreprocessedDigit digit = PREPROCESSOR.preprocess(photo);

            assertThat(meanDifference(seen, digit.pixels())).as("orientation %d", tag).isLessThan(tolerance);
            assertThat(new int[] {digit.width(), digit.height()}).as("orientation %d: the viewed sides", tag).containsExactly(360, 240);
            if (tag > 1) {
                // The control: the same stored pixels without the tag are a different picture to the network.
                float[] asStored = PREPROCESSOR.preprocess(encode.apply(stored)).pixels();
                assertThat(meanDifference(seen, asStored)).as("orientation %d, untagged", tag).isGreaterThan(0.08);
            }
        }
    }

    /** A "7" in dark ink on white paper, its bar at the top: no turn or mirror of it looks like itself. */
    private static BufferedImage sevenOnPaper(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(235, 235, 235));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(30, 30, 30));
        g.setStroke(new BasicStroke(14, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(130, 50, 240, 50);
        g.drawLine(240, 50, 165, 200);
        g.drawLine(170, 125, 225, 125);
        g.dispose();
        return image;
    }

    private static BufferedImage mirrorLeftToRight(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.getRaster().setSample(image.getWidth() - 1 - x, y, 0, image.getRaster().getSample(x, y, 0));
            }
        }
        return out;
    }

    /** The mean absolute difference of two preprocessed digits' values (EncoderVariantsTest's measure too). */
    static double meanDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
