package io.inkstream.image.artifact;

import java.time.Instant;
import java.util.Map;

/**
 * The {@code model.json} of an artifact: what the network is, what it was trained on, how good it is.
 *
 * @param formatVersion      the artifact layout; this build reads {@link #FORMAT_VERSION}
 * @param version            the model's name in the pipeline: architecture plus a digest of the weights
 * @param architecture       {@code seed} or {@code v2}
 * @param input              what the network expects
 * @param trainingData       which digits it learnt from
 * @param hyperParameters    architecture and training settings
 * @param validationAccuracy accuracy on the held-out digits, never trained on
 * @param validationSize     how many held-out digits that accuracy counts
 * @param createdAt          when training finished
 * @param weightsSha256      SHA-256 of the weights entry, checked on load
 */
public record ModelMetadata(int formatVersion, String version, String architecture, InputSpec input,
                            TrainingData trainingData, Map<String, Object> hyperParameters,
                            double validationAccuracy, int validationSize, Instant createdAt, String weightsSha256) {
    /**
     * 2: the weights as plain little-endian floats ({@code weights.bin}), the network built from the
     * architecture's own configuration. 1 held a DL4J-serialized network, whose loader runs Java
     * deserialization on what the artifact carries: no longer read.
     */
    public static final int FORMAT_VERSION = 2;

    public ModelMetadata {
        hyperParameters = Map.copyOf(hyperParameters);
    }

    /** 28 x 28 floats in [0, 1], light ink on black, as produced by {@code DigitPreprocessor}. */
    public record InputSpec(int width, int height, String encoding) {
        public static final InputSpec MNIST = new InputSpec(28, 28, "mnist-gray-float-0-1");
    }

    /** @param sha256 digest of the training pixels and labels, in order */
    public record TrainingData(String source, int count, String sha256) {
    }

    ModelMetadata withWeightsSha256(String digest) {
        return new ModelMetadata(formatVersion, version, architecture, input, trainingData, hyperParameters,
                validationAccuracy, validationSize, createdAt, digest);
    }
}
