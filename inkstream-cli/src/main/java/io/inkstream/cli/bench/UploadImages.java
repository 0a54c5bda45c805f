package io.inkstream.cli.bench;

import io.inkstream.mnist.DigitRenderer;
import io.inkstream.model.data.LabelledDigits;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.function.IntFunction;

/** What {@code bench pipeline} uploads: the held-out validation digits, as raw bytes or as the web page's drawings. */
enum UploadImages {
    /** 784 raw MNIST bytes: nothing to decode or normalise, the classifier's cheapest input. */
    RAW("raw MNIST bytes (784 each)"),
    /**
     * 280 x 280 RGBA PNGs, as the page's canvas sends a drawing: the digit drawn 220 px, black on white. Each is decoded,
     * its paper estimated and its ink normalised, as every upload of a picture is.
     */
    DRAWINGS("280 x 280 PNG drawings, as the web page sends them");

    /** Distinct drawings rendered before the load starts (rendering is not the load generator's work), then sent in turn. */
    private static final int DRAWINGS_RENDERED = 500;

    private final String description;

    UploadImages(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** Upload {@code i}: the path with its label, the content type and the body. */
    IntFunction<UploadDriver.Upload> uploads(LabelledDigits digits) {
        if (this == RAW) {
            return i -> {
                int index = i % digits.size();
                return new UploadDriver.Upload("/api/images?label=" + digits.label(index), "application/x-mnist",
                        digits.images().imageBytes(index));
            };
        }
        int count = Math.min(DRAWINGS_RENDERED, digits.size());
        byte[][] drawings = new byte[count][];
        for (int index = 0; index < count; index++) {
            drawings[index] = DigitRenderer.png(asCanvas(DigitRenderer.render(digits.images().imageBytes(index), 280, 280, 220, 30, 30, 0)));
        }
        return i -> {
            int index = i % count;
            return new UploadDriver.Upload("/api/images?label=" + digits.label(index), "image/png", drawings[index]);
        };
    }

    /** A browser's canvas is RGBA. */
    private static BufferedImage asCanvas(BufferedImage gray) {
        BufferedImage rgba = new BufferedImage(gray.getWidth(), gray.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = rgba.createGraphics();
        g.drawImage(gray, 0, 0, null);
        g.dispose();
        return rgba;
    }
}
