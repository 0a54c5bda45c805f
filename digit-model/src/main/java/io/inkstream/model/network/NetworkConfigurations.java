package io.inkstream.model.network;

import io.inkstream.image.artifact.Architecture;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** An {@link Architecture} as a DL4J network configuration: dense layers, softmax output, cross-entropy, Adam, Xavier initialisation. */
public final class NetworkConfigurations {
    private NetworkConfigurations() {
    }

    public static MultiLayerConfiguration of(Architecture architecture, long seed) {
        Activation activation = switch (architecture.activation()) {
            case SIGMOID -> Activation.SIGMOID;
            case RELU -> Activation.RELU;
        };
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(architecture.learningRate()))
                .list();
        int inputs = Architecture.INPUTS;
        for (int size : architecture.hiddenLayers()) {
            DenseLayer.Builder layer = new DenseLayer.Builder().nIn(inputs).nOut(size).activation(activation);
            if (architecture.dropout() > 0) {
                layer.dropOut(1.0 - architecture.dropout()); // DL4J takes the probability of keeping an input
            }
            layers.layer(layer.build());
            inputs = size;
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(inputs)
                .nOut(Architecture.CLASSES)
                .activation(Activation.SOFTMAX)
                .build());
        return layers.build();
    }
}
