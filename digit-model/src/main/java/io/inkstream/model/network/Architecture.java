package io.inkstream.model.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The networks Inkstream can train, by name. Inputs are 784 floats, outputs ten class probabilities. */
public enum Architecture {
    /**
     * The original system's model, exactly: 784 -> 64 sigmoid -> 32 sigmoid -> 10 softmax, Adam
     * (learning rate 1e-3), categorical cross-entropy, Xavier initialisation.
     */
    SEED(List.of(64, 32), Activation.SIGMOID, 0.0, 1e-3),
    /**
     * A stronger dense model used to show reclassification: 784 -> 256 ReLU -> 128 ReLU -> 10
     * softmax with 20% dropout on the hidden layers' inputs.
     */
    V2(List.of(256, 128), Activation.RELU, 0.2, 1e-3);

    public static final int INPUTS = 784;
    public static final int CLASSES = 10;

    private final List<Integer> hiddenLayers;
    private final Activation activation;
    private final double dropout;
    private final double learningRate;

    Architecture(List<Integer> hiddenLayers, Activation activation, double dropout, double learningRate) {
        this.hiddenLayers = hiddenLayers;
        this.activation = activation;
        this.dropout = dropout;
        this.learningRate = learningRate;
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
        throw new IllegalArgumentException("unknown architecture '" + id + "': known are seed, v2");
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
        return Map.of(
                "layers", layerSizes(),
                "activation", activation.name().toLowerCase(Locale.ROOT),
                "output", "softmax",
                "loss", "categorical-cross-entropy",
                "updater", "adam",
                "learningRate", learningRate,
                "dropout", dropout,
                "weightInit", "xavier");
    }

    public MultiLayerConfiguration configuration(long seed) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(learningRate))
                .list();
        int inputs = INPUTS;
        for (int size : hiddenLayers) {
            DenseLayer.Builder layer = new DenseLayer.Builder().nIn(inputs).nOut(size).activation(activation);
            if (dropout > 0) {
                layer.dropOut(1.0 - dropout); // DL4J takes the probability of keeping an input
            }
            layers.layer(layer.build());
            inputs = size;
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(inputs)
                .nOut(CLASSES)
                .activation(Activation.SOFTMAX)
                .build());
        return layers.build();
    }
}
