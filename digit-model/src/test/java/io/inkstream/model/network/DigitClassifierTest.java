package io.inkstream.model.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.evaluation.Evaluation;
import io.inkstream.model.training.ModelTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DigitClassifierTest {
    private static LabelledDigits validation;

    @BeforeAll
    static void loadValidation() {
        validation = BundledMnist.validation();
    }

    @Test
    void shippedSeedModelIsTheSeedArchitectureAndReaches97PercentOnHeldOutDigits() {
        ModelArtifact model = ShippedModels.SEED.load();
        Evaluation evaluation = ModelTrainer.evaluate(model.classifier(), validation);
        assertThat(model.metadata().architecture()).isEqualTo("seed");
        assertThat(evaluation.total()).isEqualTo(10_000);
        assertThat(evaluation.accuracy()).isGreaterThanOrEqualTo(0.97);
        assertThat(model.metadata().validationAccuracy()).isCloseTo(evaluation.accuracy(), offset(1e-9));
    }

    @Test
    void shippedV2ModelReaches98PercentOnHeldOutDigits() {
        ModelArtifact model = ShippedModels.V2.load();
        assertThat(model.metadata().architecture()).isEqualTo("v2");
        assertThat(ModelTrainer.evaluate(model.classifier(), validation).accuracy()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void batchedAndOneByOneResultsAgree() {
        DigitClassifier classifier = ShippedModels.SEED.load().classifier();
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            images.add(validation.images().imageFloats(i));
        }
        List<DigitPrediction> batched = classifier.classify(images);
        for (int i = 0; i < images.size(); i++) {
            DigitPrediction single = classifier.classify(images.get(i));
            assertThat(batched.get(i).label()).isEqualTo(single.label());
            for (int digit = 0; digit < 10; digit++) {
                assertThat(batched.get(i).probabilities()[digit]).isCloseTo(single.probabilities()[digit], offset(1e-5f));
            }
        }
    }

    @Test
    void probabilitiesSumToOneAndConfidenceIsTheLargest() {
        DigitPrediction prediction = ShippedModels.SEED.load().classifier().classify(validation.images().imageFloats(7));
        float sum = 0;
        for (float p : prediction.probabilities()) {
            sum += p;
            assertThat(p).isLessThanOrEqualTo(prediction.confidence());
        }
        assertThat(sum).isCloseTo(1f, offset(1e-4f));
        assertThat(prediction.probabilities()[prediction.label()]).isEqualTo(prediction.confidence());
    }

    @Test
    void aCopyForAnotherThreadGivesTheSameAnswers() throws Exception {
        DigitClassifier original = ShippedModels.SEED.load().classifier();
        DigitClassifier copy = original.copy();
        float[][] results = new float[2][];
        Thread other = new Thread(() -> results[1] = copy.classify(validation.images().imageFloats(3)).probabilities());
        other.start();
        results[0] = original.classify(validation.images().imageFloats(3)).probabilities();
        other.join();
        assertThat(results[1]).containsExactly(results[0]);
    }
}
