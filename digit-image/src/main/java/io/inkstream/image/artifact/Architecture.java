package io.inkstream.image.artifact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The networks Inkstream can train, by name: their shapes and hyper-parameters, which is what an
 * artifact's weights are checked against. Inputs are 784 floats, outputs ten class probabilities.
 * Building one in DL4J is {@code digit-model}'s ({@code NetworkConfigurations}).
 */
public enum Architecture {
    /**
     * The original system's model, exactly: 784 -> 64 sigmoid -> 32 sigmoid -> 10 softmax, Adam
     * (learning rate 1e-3), categorical cross-entropy, Xavier initialisation.
     */
    SEED(List.of(64, 32), HiddenActivation.SIGMOID, 0.0, 1e-3, 1.0),
    /**
     * A stronger dense model used to show reclassification: 784 -> 256 ReLU -> 128 ReLU -> 10
     * softmax with 20% dropout on the hidden layers' inputs.
     */
    V2(List.of(256, 128), HiddenActivation.RELU, 0.2, 1e-3, 1.0),
    /**
     * The best dense model on the real-world evaluation (docs/model.md), and the default: 784 -> 512
     * ReLU -> 256 ReLU -> 10 softmax, 20% dropout, Adam from 1e-3 with the learning rate multiplied by 0.9 every epoch, so
     * that the last epochs settle instead of hopping around a minimum. Meant to be trained on
     * distorted digits ({@code --augment}), which it is by default.
     */
    V3(List.of(512, 256), HiddenActivation.RELU, 0.2, 1e-3, 0.9);

    public static final int INPUTS = 784;
    public static final int CLASSES = 10;

    private final List<Integer> hiddenLayers;
    private final HiddenActivation activation;
    private final double dropout;
    private final double learningRate;
    private final double learningRateDecay;

    /** The activation of the hidden layers (the output layer is always softmax). */
    public enum HiddenActivation {
        SIGMOID,
        RELU
    }

    Architecture(List<Integer> hiddenLayers, HiddenActivation activation, double dropout, double learningRate, double learningRateDecay) {
        this.hiddenLayers = hiddenLayers;
        this.activation = activation;
        this.dropout = dropout;
        this.learningRate = learningRate;
        this.learningRateDecay = learningRateDecay;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Architecture byId(String id) {
        for (Architecture architecture : values()) {
            if (architecture.id().equalsIgnoreCase(id.strip())) {
                return architecture;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + id + "': known are "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }

    /** Every layer's output size, input layer first: {@code [784, 64, 32, 10]} for the seed. */
    public List<Integer> layerSizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(INPUTS);
        sizes.addAll(hiddenLayers);
        sizes.add(CLASSES);
        return List.copyOf(sizes);
    }

    /** How many weights and biases the network has: for each layer, inputs x outputs plus outputs. */
    public int parameterCount() {
        List<Integer> sizes = layerSizes();
        int count = 0;
        for (int i = 1; i < sizes.size(); i++) {
            count += sizes.get(i - 1) * sizes.get(i) + sizes.get(i);
        }
        return count;
    }

    /** The largest {@link #parameterCount()} of any architecture: what an artifact's weights may hold at most. */
    public static int maxParameterCount() {
        int max = 0;
        for (Architecture architecture : values()) {
            max = Math.max(max, architecture.parameterCount());
        }
        return max;
    }

    public Map<String, Object> hyperParameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("layers", layerSizes());
        parameters.put("activation", activation.name().toLowerCase(Locale.ROOT));
        parameters.put("output", "softmax");
        parameters.put("loss", "categorical-cross-entropy");
        parameters.put("updater", "adam");
        parameters.put("learningRate", learningRate);
        if (learningRateDecay != 1.0) {
            parameters.put("learningRateDecayPerEpoch", learningRateDecay);
        }
        parameters.put("dropout", dropout);
        parameters.put("weightInit", "xavier");
        return parameters;
    }

    /** The hidden layers' sizes, first to last. */
    public List<Integer> hiddenLayers() {
        return hiddenLayers;
    }

    public HiddenActivation activation() {
        return activation;
    }

    /** The probability of dropping a hidden layer's input while training; 0 for none. */
    public double dropout() {
        return dropout;
    }

    /** Adam's learning rate in the first epoch. */
    public double learningRate() {
        return learningRate;
    }

    /** Adam's learning rate in epoch {@code epoch} (from 1): the first epoch's, times the decay once per epoch before it. */
    public double learningRate(int epoch) {
        return learningRate * Math.pow(learningRateDecay, epoch - 1);
    }

    /** Whether the learning rate changes from epoch to epoch. */
    public boolean decaysLearningRate() {
        return learningRateDecay != 1.0;
    }
}
