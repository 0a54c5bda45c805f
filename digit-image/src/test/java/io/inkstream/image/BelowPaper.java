package io.inkstream.image;

import java.awt.image.BufferedImage;

/**
 * How far each pixel of a gray picture lies below the paper's estimate ({@link PaperBackground#estimate}), as the
 * preprocessing measures it: what a test checks that its picture really has the fault it is about.
 */
final class BelowPaper {
    private BelowPaper() {
    }

    /** In levels of 255, 0 where a pixel is not below its paper. */
    static float[] levels(BufferedImage picture) {
        return measured(picture, false);
    }

    /** As a share of the paper's level there (0 = paper, 1 = black), what the contrast stretch works on. */
    static float[] shares(BufferedImage picture) {
        return measured(picture, true);
    }

    private static float[] measured(BufferedImage picture, boolean share) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        float[] gray = new float[width * height];
        picture.getRaster().getSamples(0, 0, width, height, 0, gray);
        float[] paper = PaperBackground.estimate(gray, width, height);
        float[] below = new float[gray.length];
        for (int i = 0; i < gray.length; i++) {
            below[i] = Math.max(0, paper[i] - gray[i]) / (share ? paper[i] : 1);
        }
        return below;
    }
}
