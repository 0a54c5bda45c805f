package io.inkstream.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Images with their true digits. */
public record LabelledDigits(DigitImages images, byte[] labels) {
    public LabelledDigits {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }

    public int label(int index) {
        return labels[index];
    }

    public LabelledDigits range(int from, int to) {
        return new LabelledDigits(images.range(from, to), Arrays.copyOfRange(labels, from, to));
    }

    /**
     * These digits followed by {@code copies} copies of {@code more}: how a small set is weighted among a large one (with
     * augmentation, each copy is distorted anew).
     */
    public LabelledDigits followedBy(LabelledDigits more, int copies) {
        if (more.images().pixelsPerImage() != images.pixelsPerImage()) {
            throw new IllegalArgumentException("digits of " + more.images().pixelsPerImage() + " pixels cannot follow digits of "
                    + images.pixelsPerImage());
        }
        int count = size() + copies * more.size();
        byte[] pixels = Arrays.copyOf(images.pixels(), count * images.pixelsPerImage());
        byte[] allLabels = Arrays.copyOf(labels, count);
        for (int copy = 0; copy < copies; copy++) {
            int at = size() + copy * more.size();
            System.arraycopy(more.images().pixels(), 0, pixels, at * images.pixelsPerImage(), more.images().pixels().length);
            System.arraycopy(more.labels(), 0, allLabels, at, more.size());
        }
        return new LabelledDigits(new DigitImages(pixels, count, images.rows(), images.columns()), allLabels);
    }

    /** SHA-256 over pixels and labels: names exactly which data a model was trained on. */
    public String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(images.pixels());
            digest.update(labels);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Reads an images file and its labels file (plain or .gz) and checks that they belong together. */
    public static LabelledDigits read(Path imagesFile, Path labelsFile) throws IOException {
        DigitImages images = IdxReader.readImages(imagesFile);
        byte[] labels = IdxReader.readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new IdxFormatException(imagesFile + " has " + images.count() + " images but " + labelsFile
                    + " has " + labels.length + " labels");
        }
        return new LabelledDigits(images, labels);
    }
}
