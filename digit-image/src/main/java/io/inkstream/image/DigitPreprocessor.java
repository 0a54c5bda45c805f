package io.inkstream.image;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns the bytes people upload (photos, scans, canvas drawings of any size, usually dark ink on
 * white) into what the MNIST network was trained on: light ink on black, the ink's bounding box
 * scaled to 20 x 20 keeping its aspect ratio, centred by centre of mass in 28 x 28, values in [0, 1].
 *
 * <p>Every check that can be made before decoding is made before decoding: size in bytes, format
 * from the signature, the dimensions the header claims (so a 74-byte PNG claiming
 * 100000 x 100000 pixels costs nothing) and how many scans a JPEG has.
 * Refusals are {@link ImageRejectedException}s with a typed {@link ImageRejection}. Stateless and
 * thread-safe.
 */
public final class DigitPreprocessor {
    /** MNIST scaled each digit's ink box to fit 20 x 20 inside the 28 x 28 field. */
    static final int INK_BOX = 20;
    /**
     * Ink anywhere in a picture: some 2 x 2 pixels on average this far below their paper (of 255); in a raw MNIST digit,
     * its strongest pixel this high.
     */
    static final int MIN_CONTRAST = 40;
    /**
     * Faint ink, light pencil, is a drawing at this depth below its paper (of 255) away from the picture's
     * outer {@link #FAINT_INK_MARGIN}: paper texture and a phone's sensor noise reach 8-14 there, and where a
     * shadow's edge meets the picture's edge the paper's estimate leaves up to about 45, which is why the margin.
     */
    static final int FAINT_CONTRAST = 24;
    /** The share of each side, at each edge, where only {@link #MIN_CONTRAST} counts as ink. */
    static final double FAINT_INK_MARGIN = 0.05;
    /** The share of the contrast treated as paper texture, sensor or JPEG noise and cleared. */
    static final float NOISE_SHARE = 0.15f;
    /**
     * Faint ink's texture: the floor is also at least this many times the median pixel's depth below its paper (the
     * paper's own grain, since paper is most of any picture), which light pencil's floor of {@link #NOISE_SHARE} left
     * as specks around the digit: v3 read 96.3% of the evaluation's pencil digits with them, 99.3% without.
     */
    static final float TEXTURE_FACTOR = 3;
    /** ... but never above this share of the deepest ink, for a picture that is mostly ink. */
    static final float TEXTURE_FLOOR_CAP = 0.4f;
    /** Pictures are read at most this large on their longest side (an integer share of their size). */
    static final int WORK_LIMIT = 512;
    /** A pixel counts for the ink's bounding box only above this normalised level. */
    static final float BOUNDS_THRESHOLD = 0.25f;

    /** Strokes are measured and adjusted on the ink box at this size, four times MNIST's 20 px. */
    static final int WORK_SIDE = 80;
    /**
     * The median stroke width of MNIST digits with their ink box at {@link #WORK_SIDE}, measured by
     * {@link InkImage#strokeWidth()} on the training digits (see DigitPreprocessorTest).
     */
    static final double MNIST_STROKE_WIDTH = 7.8;
    /** Pens thinner than this share of MNIST's stroke are thickened: the network never saw hairlines. */
    static final double THIN_STROKE_SHARE = 0.9;
    /** Markers thicker than this share of MNIST's stroke are thinned to it: the networks saw few that thick. */
    static final double THICK_STROKE_SHARE = 1.4;

    private final PreprocessingLimits limits;

    public DigitPreprocessor(PreprocessingLimits limits) {
        this.limits = limits;
    }

    public DigitPreprocessor() {
        this(PreprocessingLimits.DEFAULT);
    }

    public PreprocessingLimits limits() {
        return limits;
    }

    /**
     * The checks that need no pixels: size, format from the signature, the dimensions the header
     * claims and a JPEG's scans. What the gateway runs before it accepts an upload (cheap enough for every
     * request); the classifier runs the whole {@link #preprocess}.
     */
    public ImageFormat inspect(byte[] bytes) throws ImageRejectedException {
        return inspection(bytes).format();
    }

    /**
     * What {@link #inspect} finds, and what decoding the image will cost: its pixels, times its scans for a JPEG (the
     * decoder draws the whole picture again after each; 5 for a CMYK one of fewer scans), times 2 to 6 for a WebP and 4
     * for a colour PNG of 16 bits a channel ({@link DecodingCost}: their decoders are that much dearer a pixel), 784 for
     * a raw MNIST digit. What the gateway charges an upload against its client's decoding rate.
     */
    public Inspection inspection(byte[] bytes) throws ImageRejectedException {
        ImageFormat format = sizeAndFormat(bytes);
        if (format == ImageFormat.RAW_MNIST) {
            return new Inspection(format, ImageFormat.RAW_MNIST_LENGTH);
        }
        return new Inspection(format, decode(bytes, format, false).cost());
    }

    /** @param decodeCost pixels to decode, a JPEG's once per scan, and dearer pixels more than once ({@link DecodingCost}) */
    public record Inspection(ImageFormat format, long decodeCost) {
    }

    /** A decoded image ({@code null} when only the header was read) and what its decoding costs ({@link Inspection}). */
    private record Decoded(BufferedImage image, long cost) {
    }

    public PreprocessedDigit preprocess(byte[] bytes) throws ImageRejectedException {
        ImageFormat format = sizeAndFormat(bytes);
        if (format == ImageFormat.RAW_MNIST) {
            return rawMnist(bytes);
        }
        BufferedImage image = decode(bytes, format, true).image();
        // A phone's photo is stored on its side with a tag saying so: read the way its viewer sees it.
        ExifOrientation orientation = ExifOrientation.of(bytes, format);
        int width = orientation.swapsSides() ? image.getHeight() : image.getWidth();
        int height = orientation.swapsSides() ? image.getWidth() : image.getHeight();
        // What is not the digit: ruling and a form's lines across the picture, then a form's box, a scanner's border.
        InkImage ink = Clutter.remove(RuledLines.remove(inkOf(image, orientation)));
        int[] bounds = ink.inkBounds(BOUNDS_THRESHOLD);
        if (bounds == null) {
            throw new ImageRejectedException(new ImageRejection.NoInk(width, height));
        }
        float[] pixels = normaliseStrokes(ink.crop(bounds[0], bounds[1], bounds[2], bounds[3]).fitLongestSide(WORK_SIDE))
                .fitLongestSide(INK_BOX)
                .centreByMass(PreprocessedDigit.SIDE);
        return new PreprocessedDigit(pixels, format, width, height);
    }

    /**
     * Brings strokes towards MNIST's width, which the network was trained on (about a tenth of the
     * digit's height): thin pens (a 1-pixel canvas brush, a fine-liner scanned large) are thickened
     * to it, markers of more than 1.4 times it are thinned to 1.4 times it by a minimum filter and
     * cropped again. On the real-world evaluation's markers (about twice MNIST's width) v3 read
     * 96.7% before and 98.3% after; thinning them all the way to MNIST's width cost the plain seed
     * ten points there (88% to 78%): a minimum filter leaves square-cut strokes, which a network
     * trained without distortions reads worse than thick round ones.
     */
    static InkImage normaliseStrokes(InkImage box) {
        double width = box.strokeWidth();
        if (width >= THICK_STROKE_SHARE * MNIST_STROKE_WIDTH) {
            int radius = (int) Math.round((width - THICK_STROKE_SHARE * MNIST_STROKE_WIDTH) / 2);
            if (radius < 1) {
                return box;
            }
            // Thinner strokes leave a margin inside the old box: cropped again, the ink's box is what gets scaled to 20 px.
            InkImage thinned = box.erode(radius);
            int[] bounds = thinned.inkBounds(BOUNDS_THRESHOLD);
            return bounds == null ? box : thinned.crop(bounds[0], bounds[1], bounds[2], bounds[3]);
        }
        if (width <= 0 || width >= THIN_STROKE_SHARE * MNIST_STROKE_WIDTH) {
            return box;
        }
        int radius = (int) Math.round((MNIST_STROKE_WIDTH - width) / 2);
        return radius < 1 ? box : box.pad(radius).dilate(radius);
    }

    private ImageFormat sizeAndFormat(byte[] bytes) throws ImageRejectedException {
        if (bytes.length == 0) {
            throw new ImageRejectedException(new ImageRejection.Empty());
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(new ImageRejection.TooLarge(bytes.length, limits.maxBytes()));
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new ImageRejectedException(
                new ImageRejection.UnknownFormat(HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length)), bytes.length,
                        ImageFormat.unreadKind(bytes).orElse(""))));
        if (format == ImageFormat.BMP && embedsJpegOrPng(bytes)) {
            // Found by DigitPreprocessorFuzzTest: the BMP header's size says nothing about the embedded
            // stream's, which the JDK decodes whole (a 489-byte file ran the heap out).
            throw new ImageRejectedException(new ImageRejection.Undecodable("BMP",
                    "a BMP with an embedded JPEG or PNG stream is not accepted: its size cannot be checked before decoding"));
        }
        return format;
    }

    /** BITMAPINFOHEADER and later: biCompression at offset 30; 4 is BI_JPEG, 5 is BI_PNG. */
    static boolean embedsJpegOrPng(byte[] bmp) {
        if (bmp.length < 34) {
            return false;
        }
        int headerSize = (bmp[14] & 0xff) | (bmp[15] & 0xff) << 8 | (bmp[16] & 0xff) << 16 | (bmp[17] & 0xff) << 24;
        if (headerSize < 40) {
            return false;
        }
        int compression = (bmp[30] & 0xff) | (bmp[31] & 0xff) << 8 | (bmp[32] & 0xff) << 16 | (bmp[33] & 0xff) << 24;
        return compression == 4 || compression == 5;
    }

    /** Raw MNIST bytes are already normalised: only scaled to [0, 1]. */
    private static PreprocessedDigit rawMnist(byte[] bytes) throws ImageRejectedException {
        float[] pixels = new float[PreprocessedDigit.PIXELS];
        int strongest = 0;
        for (int i = 0; i < pixels.length; i++) {
            int value = bytes[i] & 0xff;
            strongest = Math.max(strongest, value);
            pixels[i] = value / 255f;
        }
        if (strongest < MIN_CONTRAST) {
            throw new ImageRejectedException(new ImageRejection.NoInk(PreprocessedDigit.SIDE, PreprocessedDigit.SIDE));
        }
        return new PreprocessedDigit(pixels, ImageFormat.RAW_MNIST, PreprocessedDigit.SIDE, PreprocessedDigit.SIDE);
    }

    /** Reads the header and checks its dimensions; then the pixels too when asked ({@code null} otherwise). */
    private Decoded decode(byte[] bytes, ImageFormat format, boolean pixels) throws ImageRejectedException {
        String name = format.shortName().toUpperCase(Locale.ROOT);
        // Never ImageIO's default stream, whose cache is a file and which lets a decoder read past the end for ever.
        // A colour profile is set aside: the header's reading may build its colour space already (and fail on one it cannot use).
        try (ImageInputStream input = DecoderInput.of(ColourProfiles.setAside(bytes, format), format)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(new ImageRejection.Undecodable(name, "no decoder recognises its header"));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                // The header alone: no pixel is allocated before the size is known to be acceptable.
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > limits.maxWidth() || height > limits.maxHeight()) {
                    throw new ImageRejectedException(new ImageRejection.DimensionsTooLarge(
                            name, width, height, limits.maxWidth(), limits.maxHeight()));
                }
                if (width < 1 || height < 1) {
                    throw new ImageRejectedException(new ImageRejection.Undecodable(name, "the header claims " + width + " x " + height + " pixels"));
                }
                int scans = 1;
                if (format == ImageFormat.JPEG) {
                    // What a JPEG's decoding costs is its pixels times its scans: the decoder draws the picture after each.
                    scans = JpegSegments.scans(bytes);
                    if (scans > PreprocessingLimits.MAX_JPEG_SCANS) {
                        throw new ImageRejectedException(new ImageRejection.TooManyScans(scans, PreprocessingLimits.MAX_JPEG_SCANS));
                    }
                }
                // A CMYK JPEG's conversion is once, however many scans: the dearer of the two.
                long cost = (long) width * height * Math.max(Math.max(1, scans), DecodingCost.perPixel(bytes, format));
                if (!pixels) {
                    return new Decoded(null, cost);
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new ImageRejectedException(new ImageRejection.Undecodable(name, "the decoder returned no image"));
                }
                return new Decoded(image, cost);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders report broken data with IOExceptions and, for some corruptions, runtime exceptions.
            throw new ImageRejectedException(new ImageRejection.Undecodable(name, describe(e)));
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * Grayscale, then ink measured against the paper under it ({@link #normalise}), turned the way the picture is viewed:
     * light-on-dark, noise floor removed, contrast stretched to [0, 1]. A drawing on a transparent canvas is read from its
     * alpha channel, whatever its colours.
     */
    static InkImage inkOf(BufferedImage image, ExifOrientation orientation) throws ImageRejectedException {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] gray = new float[width * height];
        if (image.getRaster().getNumBands() == 1 && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Gray images hold their levels as written; getRGB would pass them through a linear-to-sRGB
            // curve that lightens the anti-aliased edges of every stroke.
            int[] samples = image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
            float scale = 255f / ((1 << image.getColorModel().getComponentSize(0)) - 1);
            for (int i = 0; i < samples.length; i++) {
                gray[i] = samples[i] * scale;
            }
        } else {
            int[] argb = argb(image);
            boolean alphaDrawing = image.getColorModel().hasAlpha() && mixesTransparentAndOpaque(argb);
            for (int i = 0; i < argb.length; i++) {
                gray[i] = alphaDrawing ? argb[i] >>> 24 : grayOverWhite(argb[i]);
            }
        }
        return normalise(gray, width, height, orientation);
    }

    /**
     * Ink as a share of the paper under it: which way the ink goes is read from the picture
     * ({@link PaperBackground#lightInk}), light ink is turned dark, the paper's level is estimated
     * under every pixel ({@link PaperBackground#estimate}), so that a shadow or a page lit from one
     * side is paper and not ink, and each pixel's ink is how far it falls below its paper, divided by
     * that paper's level (light multiplies ink and paper alike). Strokes that a reflection washed out are
     * deepened again ({@link Glare}). The faintest share of the range is cleared as texture and noise, the rest
     * stretched to [0, 1]. First the picture is averaged down to about
     * {@link #WORK_LIMIT}, turned the way it is viewed ({@link ExifOrientation}), and the desk around a note painted as
     * paper ({@link PageOnDesk}).
     */
    private static InkImage normalise(float[] picture, int pictureWidth, int pictureHeight, ExifOrientation orientation)
            throws ImageRejectedException {
        // The digit ends as 28 x 28: a picture larger than WORK_LIMIT is read at about WORK_LIMIT, so that what
        // follows costs little more for a photo or a crafted 4096 x 4096 page than for a small drawing.
        int factor = Math.max(1, (Math.max(pictureWidth, pictureHeight) + WORK_LIMIT - 1) / WORK_LIMIT);
        float[] shrunk = factor == 1 ? picture : PaperBackground.shrink(picture, pictureWidth, pictureHeight, factor);
        // Turned once small: a turn copies the picture, and a copy of 512 px a side costs nothing next to the decoding.
        ExifOrientation.Viewed viewed = orientation.view(shrunk, (pictureWidth + factor - 1) / factor, (pictureHeight + factor - 1) / factor);
        float[] gray = viewed.values();
        int width = viewed.width();
        int height = viewed.height();
        // A note on a desk: the desk is painted over as paper, so that neither its darkness nor its edge reads as ink.
        PageOnDesk.paintOver(gray, width, height);
        if (PaperBackground.lightInk(gray, width, height)) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 255f - gray[i];
            }
        }
        float[] paper = PaperBackground.estimate(gray, width, height);
        float deepest = 0;
        float[] below = new float[gray.length];
        float[] depth = new float[gray.length];
        for (int i = 0; i < gray.length; i++) {
            below[i] = paper[i] - gray[i];
            if (below[i] <= 0) {
                below[i] = 0;
                continue;
            }
            depth[i] = below[i] / (paper[i] > MIN_CONTRAST ? paper[i] : MIN_CONTRAST);
            deepest = depth[i] > deepest ? depth[i] : deepest;
        }
        if (!hasInk(below, width, height)) {
            throw new ImageRejectedException(orientation.swapsSides()
                    ? new ImageRejection.NoInk(pictureHeight, pictureWidth) : new ImageRejection.NoInk(pictureWidth, pictureHeight));
        }
        depth = Glare.undo(depth, paper, width, height, deepest);
        float medianDepth = GrayLevels.median(depth, 255) / 255f; // to 1/255
        float floor = Math.max(NOISE_SHARE * deepest, Math.min(TEXTURE_FLOOR_CAP * deepest, TEXTURE_FACTOR * medianDepth));
        float range = deepest - floor;
        float[] ink = new float[gray.length];
        float scale = 1 / range;
        for (int i = 0; i < gray.length; i++) {
            float level = (depth[i] - floor) * scale;
            ink[i] = level <= 0 ? 0 : level >= 1 ? 1 : level;
        }
        return new InkImage(width, height, ink);
    }

    /**
     * A pixel's luminance, partly transparent pixels seen over white paper. For an opaque pixel the blend is the
     * luminance itself, to the last bit for every one of the 2^24 colours (DigitPreprocessorPixelsTest), and is skipped:
     * its two divisions were a quarter of the preprocessing of a 280 x 280 drawing.
     */
    static float grayOverWhite(int argb) {
        int alpha = argb >>> 24;
        double luminance = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
        return alpha == 255 ? (float) luminance : (float) (luminance * alpha / 255.0 + 255.0 * (255 - alpha) / 255.0);
    }

    /**
     * The picture's pixels as sRGB ARGB, row by row. {@link BufferedImage#getRGB} asks the colour model for each pixel, a
     * third of the preprocessing of a 280 x 280 drawing from the page; where the samples are 8-bit sRGB colours, not
     * premultiplied (PNG's RGB and RGBA, colour JPEG and BMP), they are what it would answer, and are read as they are.
     */
    private static int[] argb(BufferedImage image) {
        ColorModel model = image.getColorModel();
        WritableRaster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean plainSrgb = model instanceof ComponentColorModel && model.getColorSpace().isCS_sRGB() && !model.isAlphaPremultiplied()
                && raster.getTransferType() == DataBuffer.TYPE_BYTE && (bands == 3 && !model.hasAlpha() || bands == 4 && model.hasAlpha());
        if (!plainSrgb) {
            return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        }
        int[] samples = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
        int[] argb = new int[raster.getWidth() * raster.getHeight()];
        for (int i = 0, s = 0; i < argb.length; i++, s += bands) {
            int alpha = bands == 4 ? samples[s + 3] : 0xff;
            argb[i] = alpha << 24 | samples[s] << 16 | samples[s + 1] << 8 | samples[s + 2];
        }
        return argb;
    }

    /**
     * Whether anything stands out from the paper: some 2 x 2 pixels on average {@link #MIN_CONTRAST} below their paper,
     * or {@link #FAINT_CONTRAST} away from the picture's edges. A block, not a pixel, so that one pixel of noise is not
     * a drawing; 2 x 2, so that a one-pixel line keeps half its depth. Before 2026-12-05 one pixel {@link #MIN_CONTRAST}
     * deep was needed, and 35 of the real-world evaluation's 300 pencil digits were refused as blank.
     *
     * @param below how far each pixel lies below its paper, 0 where it is not below
     */
    static boolean hasInk(float[] below, int width, int height) {
        int marginX = (int) (width * FAINT_INK_MARGIN);
        int marginY = (int) (height * FAINT_INK_MARGIN);
        // A picture one pixel wide or high has blocks of one pixel counted twice.
        int right = Math.min(1, width - 1);
        int nextRow = Math.min(1, height - 1);
        int down = nextRow * width;
        for (int y = 0; y < Math.max(1, height - 1); y++) {
            boolean innerRow = y >= marginY && y + nextRow < height - marginY;
            for (int x = 0; x < Math.max(1, width - 1); x++) {
                int i = y * width + x;
                float block = (below[i] + below[i + right] + below[i + down] + below[i + down + right]) / 4;
                if (block >= MIN_CONTRAST || block >= FAINT_CONTRAST && innerRow && x >= marginX && x + right < width - marginX) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean mixesTransparentAndOpaque(int[] argb) {
        boolean transparent = false;
        boolean opaque = false;
        for (int p : argb) {
            int alpha = p >>> 24;
            transparent |= alpha < 128;
            opaque |= alpha >= 128;
            if (transparent && opaque) {
                return true;
            }
        }
        return false;
    }
}
