package io.inkstream.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.ImageFormat;
import io.inkstream.image.PreprocessedDigit;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import io.inkstream.image.rejection.RejectionReason;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.DigitImages;
import io.inkstream.model.render.CraftedImages;
import io.inkstream.model.render.HostileImages;
import io.inkstream.mnist.DigitRenderer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DigitPreprocessorTest {
    private static DigitImages digits;
    private final DigitPreprocessor preprocessor = new DigitPreprocessor();

    @BeforeAll
    static void loadDigits() {
        digits = BundledMnist.validation().images().range(0, 20);
    }

    @Test
    void rawMnistBytesPassThroughScaledToOne() throws Exception {
        PreprocessedDigit digit = preprocessor.preprocess(digits.imageBytes(0));
        assertThat(digit.format()).isEqualTo(ImageFormat.RAW_MNIST);
        assertThat(digit.pixels()).containsExactly(digits.imageFloats(0));
    }

    @Test
    void sniffsEveryFormatFromItsBytesNotFromItsName() {
        BufferedImage image = DigitRenderer.render(digits.imageBytes(1), 64, 64, 56, 4, 4, 0);
        assertThat(ImageFormat.sniff(DigitRenderer.png(image))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(DigitRenderer.jpeg(image, 0.7f))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(DigitRenderer.gif(image))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(DigitRenderer.bmp(image))).contains(ImageFormat.BMP);
        assertThat(ImageFormat.sniff(digits.imageBytes(1))).contains(ImageFormat.RAW_MNIST);
        assertThat(ImageFormat.sniff("hello".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void everyFormatOfTheSameDrawingGivesTheSameDigit() throws Exception {
        BufferedImage image = DigitRenderer.render(digits.imageBytes(2), 200, 200, 150, 25, 25, 0);
        float[] png = preprocessor.preprocess(DigitRenderer.png(image)).pixels();
        assertThat(preprocessor.preprocess(DigitRenderer.bmp(image)).pixels()).containsExactly(png);
        assertThat(preprocessor.preprocess(DigitRenderer.gif(image)).pixels()).containsExactly(png);
        float[] jpeg = preprocessor.preprocess(DigitRenderer.jpeg(image, 0.9f)).pixels();
        assertThat(meanDifference(png, jpeg)).isLessThan(0.03);
    }

    @Test
    void aCmykJpegFromAPrintWorkflowGivesTheSameDigit() throws Exception {
        BufferedImage drawing = DigitRenderer.render(digits.imageBytes(8), 200, 200, 150, 25, 25, 0);

        PreprocessedDigit digit = preprocessor.preprocess(DigitRenderer.cmykJpeg(drawing, 0.9f));

        assertThat(digit.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(meanDifference(preprocessor.preprocess(DigitRenderer.png(drawing)).pixels(), digit.pixels())).isLessThan(0.03);
    }

    @Test
    void lightInkOnBlackNeedsNoInversionAndGivesTheSameDigit() throws Exception {
        BufferedImage darkOnLight = DigitRenderer.render(digits.imageBytes(3), 200, 200, 150, 25, 25, 0);
        BufferedImage lightOnDark = new BufferedImage(200, 200, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                lightOnDark.getRaster().setSample(x, y, 0, 255 - darkOnLight.getRaster().getSample(x, y, 0));
            }
        }
        float[] a = preprocessor.preprocess(DigitRenderer.png(darkOnLight)).pixels();
        float[] b = preprocessor.preprocess(DigitRenderer.png(lightOnDark)).pixels();
        assertThat(meanDifference(a, b)).isLessThan(0.01);
    }

    @Test
    void aDrawingOnATransparentCanvasIsReadFromItsAlpha() throws Exception {
        // What a browser canvas exports: black strokes on fully transparent pixels.
        BufferedImage canvas = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(140, 40, 140, 240); // a "1"
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(canvas, "png", out);

        PreprocessedDigit digit = preprocessor.preprocess(out.toByteArray());

        // A vertical bar, 20 px tall, centred: ink in the middle column, none in the corners.
        assertThat(digit.pixels()[14 * 28 + 14]).isGreaterThan(0.9f);
        assertThat(digit.pixels()[4 * 28 + 14]).isGreaterThan(0.5f);
        assertThat(digit.pixels()[0]).isZero();
        assertThat(digit.pixels()[27 * 28 + 27]).isZero();
    }

    @Test
    void theInkBoxIsScaledToTwentyPixelsAndCentredByMass() throws Exception {
        BufferedImage square = new BufferedImage(500, 300, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = square.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 500, 300);
        g.setColor(Color.BLACK);
        g.fillRect(10, 10, 100, 100); // a filled square far off-centre
        g.dispose();

        float[] pixels = preprocessor.preprocess(DigitRenderer.png(square)).pixels();

        int inked = 0;
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i] > 0.5f) {
                inked++;
                sumX += i % 28;
                sumY += i / 28;
            }
        }
        assertThat(inked).isEqualTo(400); // 20 x 20
        assertThat(sumX / inked).isCloseTo(13.5, offset(0.6));
        assertThat(sumY / inked).isCloseTo(13.5, offset(0.6));
    }

    // --- refusals: each has its own type, none costs memory or time ---

    @Test
    void refusesEmptyInput() {
        assertRejected(new byte[0], ImageRejection.Empty.class, RejectionReason.EMPTY);
    }

    @Test
    void refusesMoreBytesThanTheCap() {
        DigitPreprocessor small = new DigitPreprocessor(new PreprocessingLimits(10_000, 4096, 4096));
        byte[] big = DigitRenderer.png(DigitRenderer.render(digits.imageBytes(4), 2000, 2000, 1500, 250, 250, 0));
        assertThat(big.length).isGreaterThan(10_000);
        assertThatThrownBy(() -> small.preprocess(big))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.rejection()).isInstanceOf(ImageRejection.TooLarge.class);
                    assertThat(e.getMessage()).contains("more than the limit of 10000");
                });
    }

    @Test
    void refusesRandomBytes() {
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        noise[0] = 0x13; // no image signature by chance
        assertRejected(noise, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT);
    }

    @Test
    void refusesATextFileNamedLikeAnImage() {
        byte[] text = "This is not a digit, whatever its file name says.\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        assertRejected(text, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT);
    }

    @Test
    void aFormatPeopleSendByMistakeIsNamedInTheRefusalWithWhatToSendInstead() throws IOException {
        byte[] heic = concat(new byte[] {0, 0, 0, 0x18}, "ftypheic\0\0\0\0mif1heic".getBytes(StandardCharsets.US_ASCII), new byte[64]);
        byte[] avif = concat(new byte[] {0, 0, 0, 0x1c}, "ftypavif\0\0\0\0avifmif1miaf".getBytes(StandardCharsets.US_ASCII), new byte[64]);
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        assertThat(ImageIO.write(DigitRenderer.render(digits.imageBytes(6), 64, 64, 56, 4, 4, 0), "tiff", tiff)).isTrue();
        byte[] pdf = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".getBytes(StandardCharsets.ISO_8859_1);
        byte[] svg = "\ufeff<?xml version=\"1.0\"?>\n<svg xmlns='http://www.w3.org/2000/svg'><text>7</text></svg>".getBytes(StandardCharsets.UTF_8);
        assertThat(assertRejected(heic, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage())
                .startsWith("a HEIC photo (an iPhone's own format; it can share photos as JPEG) is not read here: send it as PNG, JPEG");
        assertThat(assertRejected(avif, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage()).startsWith("an AVIF image is not read here");
        assertThat(assertRejected(tiff.toByteArray(), ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage())
                .startsWith("a TIFF image is not read here");
        assertThat(assertRejected(pdf, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage()).startsWith("a PDF document is not read here");
        assertThat(assertRejected(svg, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage()).startsWith("an SVG drawing is not read here");
        // Anything else keeps the plain refusal, with what was sent.
        byte[] mp4 = concat(new byte[] {0, 0, 0, 0x18}, "ftypisom\0\0\0\0isomiso2".getBytes(StandardCharsets.US_ASCII), new byte[64]);
        byte[] html = "<html><body><svg></svg></body></html>".getBytes(StandardCharsets.UTF_8);
        for (byte[] other : new byte[][] {mp4, html}) {
            assertThat(assertRejected(other, ImageRejection.UnknownFormat.class, RejectionReason.UNKNOWN_FORMAT).getMessage())
                    .startsWith("not a PNG, JPEG, GIF, BMP or WebP image, nor 784 raw MNIST bytes (");
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    @Timeout(10)
    void refusesAPngHeaderClaimingOneHundredThousandPixelsSquareBeforeDecoding() throws IOException {
        byte[] bomb = CraftedImages.pngClaiming(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        ImageRejectedException e = assertRejected(bomb, ImageRejection.DimensionsTooLarge.class, RejectionReason.DIMENSIONS_TOO_LARGE);
        assertThat(e.getMessage()).contains("100000 x 100000").contains("4096 x 4096");
    }

    @Test
    @Timeout(30)
    void refusesAJpegOfTwentyNineThousandEmptyScansBeforeDecodingIt() {
        byte[] bomb = HostileImages.corpus().get("jpeg-4096x4096-29000-empty-scans-bomb");
        assertThat(bomb.length).isLessThan(PreprocessingLimits.DEFAULT.maxBytes());
        // The gateway's check refuses it, so it is never accepted, and the classifier's refuses it before decoding.
        assertThatThrownBy(() -> preprocessor.inspect(bomb)).isInstanceOfSatisfying(ImageRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectionReason.TOO_MANY_SCANS));
        ImageRejectedException e = assertRejected(bomb, ImageRejection.TooManyScans.class, RejectionReason.TOO_MANY_SCANS);
        assertThat(e.getMessage()).contains("29001 scans").contains("limit of 32");
    }

    /** The control: the same construction is a JPEG the decoder reads to its end; only the count of scans refuses it. */
    @Test
    void theEmptyScansAreAJpegTheDecoderReadsAndTheRuleAloneRefuses() throws IOException {
        byte[] small = CraftedImages.progressiveJpegOfEmptyScans(64, 2_000);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(small));
        assertThat(decoded.getWidth()).isEqualTo(64);
        assertRejected(small, ImageRejection.TooManyScans.class, RejectionReason.TOO_MANY_SCANS);
        // With as many scans as the limit it passes the rule and is decoded: white, so no ink.
        assertRejected(CraftedImages.progressiveJpegOfEmptyScans(64, PreprocessingLimits.MAX_JPEG_SCANS - 1), ImageRejection.NoInk.class,
                RejectionReason.NO_INK);
    }

    @Test
    void aProgressiveJpegOfADigitReadsAsTheSameDigitAsABaselineOne() throws Exception {
        for (int i = 0; i < 5; i++) {
            BufferedImage drawing = DigitRenderer.render(digits.imageBytes(i), 300, 240, 180, 60, 30, 0);
            float[] baseline = preprocessor.preprocess(DigitRenderer.jpeg(drawing, 0.9f)).pixels();
            float[] progressive = preprocessor.preprocess(DigitRenderer.progressiveJpeg(drawing, 0.9f)).pixels();
            assertThat(meanDifference(baseline, progressive)).as("digit %d", i).isLessThan(0.01);
        }
    }

    @Test
    void refusesATruncatedPng() {
        byte[] png = DigitRenderer.png(DigitRenderer.render(digits.imageBytes(5), 200, 200, 150, 25, 25, 0));
        byte[] truncated = Arrays.copyOf(png, png.length * 6 / 10);
        assertRejected(truncated, ImageRejection.Undecodable.class, RejectionReason.UNDECODABLE);
    }

    @Test
    void inspectionSaysWhatDecodingWillCostPixelsAndAJpegsOncePerScan() throws Exception {
        byte[] png = DigitRenderer.png(DigitRenderer.render(digits.imageBytes(5), 300, 200, 150, 25, 25, 0));
        assertThat(preprocessor.inspection(png)).isEqualTo(new DigitPreprocessor.Inspection(ImageFormat.PNG, 300 * 200));
        assertThat(preprocessor.inspection(digits.imageBytes(5)).decodeCost()).as("a raw digit").isEqualTo(784);
        assertThat(preprocessor.inspection(CraftedImages.progressiveJpegOfEmptyScans(256, 20)))
                .as("its DC scan and 20 more").isEqualTo(new DigitPreprocessor.Inspection(ImageFormat.JPEG, 256L * 256 * 21));
    }

    @Test
    void inspectionChecksSizeFormatAndHeaderWithoutDecodingThePixels() throws Exception {
        byte[] png = DigitRenderer.png(DigitRenderer.render(digits.imageBytes(5), 200, 200, 150, 25, 25, 0));
        assertThat(preprocessor.inspect(png)).isEqualTo(ImageFormat.PNG);
        assertThat(preprocessor.inspect(digits.imageBytes(5))).isEqualTo(ImageFormat.RAW_MNIST);
        // A PNG cut after its header passes inspection: only the classifier's full decode can find the damage.
        assertThat(preprocessor.inspect(Arrays.copyOf(png, png.length * 6 / 10))).isEqualTo(ImageFormat.PNG);
        assertThatThrownBy(() -> preprocessor.inspect(CraftedImages.pngClaiming(100_000, 100_000)))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectionReason.DIMENSIONS_TOO_LARGE));
        assertThatThrownBy(() -> preprocessor.inspect(Arrays.copyOf(png, 20)))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.UNDECODABLE));
        assertThatThrownBy(() -> preprocessor.inspect("GIF? no".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectionReason.UNKNOWN_FORMAT));
        assertThatThrownBy(() -> preprocessor.inspect(new byte[0]))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.EMPTY));
    }

    @Test
    void refusesAnImageWithNoInk() {
        BufferedImage blank = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(new Color(250, 248, 240));
        g.fillRect(0, 0, 300, 200);
        g.dispose();
        assertRejected(DigitRenderer.png(blank), ImageRejection.NoInk.class, RejectionReason.NO_INK);
        assertRejected(new byte[784], ImageRejection.NoInk.class, RejectionReason.NO_INK);
    }

    private ImageRejectedException assertRejected(byte[] bytes, Class<? extends ImageRejection> type, RejectionReason reason) {
        try {
            preprocessor.preprocess(bytes);
        } catch (ImageRejectedException e) {
            assertThat(e.rejection()).isInstanceOf(type);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).isNotBlank();
            return e;
        }
        throw new AssertionError("expected a " + type.getSimpleName() + " refusal");
    }

    private static double meanDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
