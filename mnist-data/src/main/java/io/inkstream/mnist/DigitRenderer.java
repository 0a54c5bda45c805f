package io.inkstream.mnist;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Renders a real MNIST digit the way people upload digits: dark ink on white paper, large, with
 * margins, thicker or thinner strokes, encoded as PNG, JPEG, GIF or BMP. Tests, benchmarks and
 * demos use it to make realistic uploads from labelled digits.
 */
public final class DigitRenderer {
    /** A PNG's signature and its header chunk (IHDR: 13 bytes of data), which come first. */
    private static final int PNG_HEADER_END = 8 + 4 + 4 + 13 + 4;
    /** The TIFF structure holding one Orientation tag: header, IFD0's count, its one entry, no next IFD. */
    private static final int ORIENTATION_TIFF_BYTES = 8 + 2 + 12 + 4;
    /** What {@link #withExifOrientation} adds to a JPEG: the APP1 marker, its length, "Exif\0\0" and the TIFF structure. */
    public static final int JPEG_EXIF_ORIENTATION_BYTES = 2 + 2 + 6 + ORIENTATION_TIFF_BYTES;

    private DigitRenderer() {
    }

    /**
     * @param mnist       784 bytes, 0 = background, 255 = ink
     * @param canvasWidth the picture's width
     * @param canvasHeight the picture's height
     * @param digitSide   how large the 28 x 28 field is drawn
     * @param left        where the field's left edge is
     * @param top         where the field's top edge is
     * @param strokeRadius positive thickens the ink by that many pixels, negative thins it
     */
    public static BufferedImage render(byte[] mnist, int canvasWidth, int canvasHeight, int digitSide, int left, int top, int strokeRadius) {
        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int ink = mnist[y * 28 + x] & 0xff;
                digit.getRaster().setSample(x, y, 0, 255 - ink);
            }
        }
        BufferedImage canvas = new BufferedImage(canvasWidth, canvasHeight, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, canvasWidth, canvasHeight);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(digit, left, top, digitSide, digitSide, null);
        g.dispose();
        if (strokeRadius > 0) {
            return morph(canvas, strokeRadius, true);
        }
        if (strokeRadius < 0) {
            return morph(canvas, -strokeRadius, false);
        }
        return canvas;
    }

    /**
     * Dark ink grows under a minimum filter (thicker) and shrinks under a maximum filter (thinner).
     * Both leave white paper white, so only the ink's bounding box, widened by the radius, is
     * filtered: on the 1000 x 700 uploads of RenderedUploadsTest, about 40% of the picture.
     */
    private static BufferedImage morph(BufferedImage gray, int radius, boolean thicken) {
        int w = gray.getWidth();
        int h = gray.getHeight();
        int[] src = gray.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        int[] out = new int[src.length];
        Arrays.fill(out, 255);
        int inkLeft = w;
        int inkRight = -1;
        int inkTop = h;
        int inkBottom = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (src[y * w + x] != 255) {
                    inkLeft = Math.min(inkLeft, x);
                    inkRight = Math.max(inkRight, x);
                    inkTop = Math.min(inkTop, y);
                    inkBottom = Math.max(inkBottom, y);
                }
            }
        }
        if (inkRight >= 0) {
            int left = Math.max(0, inkLeft - radius);
            int right = Math.min(w - 1, inkRight + radius);
            int[] horizontal = new int[src.length];
            Arrays.fill(horizontal, 255); // rows without ink stay white
            for (int y = inkTop; y <= inkBottom; y++) {
                for (int x = left; x <= right; x++) {
                    int best = thicken ? 255 : 0;
                    for (int d = -radius; d <= radius; d++) {
                        int v = src[y * w + Math.max(0, Math.min(w - 1, x + d))];
                        best = thicken ? Math.min(best, v) : Math.max(best, v);
                    }
                    horizontal[y * w + x] = best;
                }
            }
            for (int y = Math.max(0, inkTop - radius); y <= Math.min(h - 1, inkBottom + radius); y++) {
                for (int x = left; x <= right; x++) {
                    int best = thicken ? 255 : 0;
                    for (int d = -radius; d <= radius; d++) {
                        int v = horizontal[Math.max(0, Math.min(h - 1, y + d)) * w + x];
                        best = thicken ? Math.min(best, v) : Math.max(best, v);
                    }
                    out[y * w + x] = best;
                }
            }
        }
        BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        result.getRaster().setSamples(0, 0, w, h, 0, out);
        return result;
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] gif(BufferedImage image) {
        return encode(image, "gif");
    }

    public static byte[] bmp(BufferedImage image) {
        return encode(image, "bmp");
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        return jpeg(new IIOImage(image, null, null), quality, false);
    }

    /** A progressive JPEG, as many web pages and image tools save them: libjpeg's script, 6 scans for gray, 10 for colour. */
    public static byte[] progressiveJpeg(BufferedImage image, float quality) {
        return jpeg(new IIOImage(image, null, null), quality, true);
    }

    /**
     * A gray drawing as Photoshop and print workflows write a JPEG: four components (cyan, magenta, yellow, black),
     * stored inverted as Adobe does, under an Adobe APP14 segment (transform 0: no colour transform). The ink is black
     * only, so the gray levels are the drawing's.
     */
    public static byte[] cmykJpeg(BufferedImage grayDrawing, float quality) {
        int width = grayDrawing.getWidth();
        int height = grayDrawing.getHeight();
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] pixel = new int[4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // Inverted: 255 is no ink. No cyan, magenta or yellow; the black is the drawing's darkness.
                pixel[0] = 255;
                pixel[1] = 255;
                pixel[2] = 255;
                pixel[3] = grayDrawing.getRaster().getSample(x, y, 0);
                cmyk.setPixel(x, y, pixel);
            }
        }
        byte[] jpeg = jpeg(new IIOImage(cmyk, null, null), quality, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 16);
        out.write(jpeg, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0});
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static byte[] jpeg(IIOImage image, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The picture turned a quarter clockwise {@code turns} times (any number; 4 is the picture itself), same image type. */
    public static BufferedImage quarterTurnsClockwise(BufferedImage image, int turns) {
        BufferedImage turned = image;
        for (int turn = 0; turn < Math.floorMod(turns, 4); turn++) {
            int width = turned.getWidth();
            int height = turned.getHeight();
            BufferedImage out = new BufferedImage(height, width, image.getType());
            int[] pixel = new int[turned.getRaster().getNumBands()];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out.getRaster().setPixel(height - 1 - y, x, turned.getRaster().getPixel(x, y, pixel));
                }
            }
            turned = out;
        }
        return turned;
    }

    /**
     * The JPEG or PNG with one EXIF tag, Orientation (1-8, as EXIF numbers them; 6 is what a phone held upright writes:
     * turn a quarter clockwise to view), where cameras and encoders put it: a JPEG's APP1 "Exif" segment right after its
     * start, a PNG's eXIf chunk right after its header chunk.
     */
    public static byte[] withExifOrientation(byte[] image, int orientation) {
        // TIFF, big-endian: the header, then IFD0 at offset 8 with one entry (tag 274, SHORT, count 1) and no IFD1.
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.length + tiff.length + 16);
        if (image.length > 2 && (image[0] & 0xff) == 0xff && (image[1] & 0xff) == 0xd8) {
            int length = 2 + 6 + tiff.length;
            out.write(image, 0, 2);
            out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xe1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0});
            out.writeBytes(tiff);
            out.write(image, 2, image.length - 2);
        } else if (image.length > PNG_HEADER_END && (image[0] & 0xff) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G') {
            byte[] type = {'e', 'X', 'I', 'f'};
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(tiff);
            out.write(image, 0, PNG_HEADER_END);
            out.writeBytes(new byte[] {0, 0, 0, (byte) tiff.length});
            out.writeBytes(type);
            out.writeBytes(tiff);
            long sum = crc.getValue();
            out.writeBytes(new byte[] {(byte) (sum >> 24), (byte) (sum >> 16), (byte) (sum >> 8), (byte) sum});
            out.write(image, PNG_HEADER_END, image.length - PNG_HEADER_END);
        } else {
            throw new IllegalArgumentException("neither a JPEG nor a PNG");
        }
        return out.toByteArray();
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
