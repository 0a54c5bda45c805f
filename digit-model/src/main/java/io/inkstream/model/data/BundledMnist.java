package io.inkstream.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The MNIST sets shipped in the {@code mnist-data} jar (CC BY-SA 3.0, see mnist/README.md). The
 * training set is split as the project always splits it: the first 50,000 digits train, the last
 * 10,000 validate and are never trained on. The official 10,000 test digits (other writers) are
 * never trained on nor used to choose anything: they are only reported. That jar is on the CLI's classpath and the tests', not the services':
 * they classify and never train.
 */
public final class BundledMnist {
    public static final int TRAINING_SIZE = 50_000;
    public static final int VALIDATION_SIZE = 10_000;
    private static final String IMAGES = "/mnist/train-images-idx3-ubyte.gz";
    private static final String LABELS = "/mnist/train-labels-idx1-ubyte.gz";
    private static final String TEST_IMAGES = "/mnist/t10k-images-idx3-ubyte.gz";
    private static final String TEST_LABELS = "/mnist/t10k-labels-idx1-ubyte.gz";

    private BundledMnist() {
    }

    /** All 60,000 training digits, in file order. */
    public static LabelledDigits all() {
        return read(IMAGES, LABELS);
    }

    /** The official 10,000 test digits: for reporting only. */
    public static LabelledDigits test() {
        return read(TEST_IMAGES, TEST_LABELS);
    }

    private static LabelledDigits read(String imagesResource, String labelsResource) {
        try (InputStream images = open(imagesResource); InputStream labels = open(labelsResource)) {
            return new LabelledDigits(IdxReader.readImages(images, imagesResource), IdxReader.readLabels(labels, labelsResource));
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled MNIST set cannot be read", e);
        }
    }

    public static Split split() {
        LabelledDigits all = all();
        return new Split(all.range(0, TRAINING_SIZE), all.range(TRAINING_SIZE, TRAINING_SIZE + VALIDATION_SIZE));
    }

    /** The held-out 10,000 only: what tests and benchmarks classify. */
    public static LabelledDigits validation() {
        return split().validation();
    }

    public record Split(LabelledDigits training, LabelledDigits validation) {
    }

    private static InputStream open(String resource) {
        InputStream in = BundledMnist.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the classpath: the MNIST digits ship in the mnist-data jar,"
                    + " which the CLI has and the services do not");
        }
        return in;
    }
}
