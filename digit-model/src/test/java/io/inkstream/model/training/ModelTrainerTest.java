package io.inkstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.image.artifact.Architecture;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {
    private static LabelledDigits training;
    private static LabelledDigits validation;

    @BeforeAll
    static void smallSplit() {
        BundledMnist.Split split = BundledMnist.split();
        training = split.training().range(0, 3000);
        validation = split.validation().range(0, 1000);
    }

    @Test
    void theSameSeedTrainsTheSameModel() {
        TrainingSettings settings = new TrainingSettings(Architecture.SEED, 2, 64, 42, 0, Optional.empty());
        TrainingResult first = new ModelTrainer().train(training, validation, settings);
        TrainingResult second = new ModelTrainer().train(training, validation, settings);

        assertThat(second.artifact().version()).isEqualTo(first.artifact().version());
        assertThat(second.validation().accuracy()).isEqualTo(first.validation().accuracy());
        assertThat(second.epochs()).extracting(EpochSummary::meanLoss)
                .containsExactlyElementsOf(first.epochs().stream().map(EpochSummary::meanLoss).toList());
    }

    @Test
    void anotherSeedTrainsAnotherModel() {
        TrainingResult a = new ModelTrainer().train(training, validation, new TrainingSettings(Architecture.SEED, 1, 64, 1, 0, Optional.empty()));
        TrainingResult b = new ModelTrainer().train(training, validation, new TrainingSettings(Architecture.SEED, 1, 64, 2, 0, Optional.empty()));
        assertThat(a.artifact().version()).isNotEqualTo(b.artifact().version()).startsWith("seed-");
    }

    @Test
    void learnsAndRecordsWhatItWasTrainedOn() {
        TrainingResult result = new ModelTrainer().train(training, validation, new TrainingSettings(Architecture.V2, 3, 64, 7, 0, Optional.empty()));

        assertThat(result.epochs()).hasSize(3);
        assertThat(result.epochs().get(2).meanLoss()).isLessThan(result.epochs().get(0).meanLoss());
        assertThat(result.validation().accuracy()).isGreaterThan(0.85); // 3,000 digits, 3 epochs
        var metadata = result.artifact().metadata();
        assertThat(metadata.version()).startsWith("v2-");
        assertThat(metadata.trainingData().count()).isEqualTo(3000);
        assertThat(metadata.trainingData().sha256()).isEqualTo(training.sha256());
        assertThat(metadata.validationSize()).isEqualTo(1000);
        assertThat(metadata.validationAccuracy()).isEqualTo(result.validation().accuracy());
        assertThat(metadata.hyperParameters()).containsEntry("epochs", 3).containsEntry("seed", 7L);
    }

    @Test
    void earlyStoppingEndsTrainingWhenValidationStopsImprovingAndKeepsTheBestWeights() {
        // With a tiny training set the validation accuracy plateaus quickly.
        LabelledDigits tiny = training.range(0, 300);
        TrainingResult result = new ModelTrainer().train(tiny, validation, new TrainingSettings(Architecture.V2, 40, 32, 3, 2, Optional.empty()));

        assertThat(result.epochs().size()).isLessThan(40);
        double best = result.epochs().stream().mapToDouble(EpochSummary::validationAccuracy).max().orElseThrow();
        assertThat(result.validation().accuracy()).isEqualTo(best);
    }

    @Test
    void augmentedTrainingIsReproducibleAndRecordsItsDistortions() {
        LabelledDigits small = training.range(0, 1000);
        TrainingSettings settings = new TrainingSettings(Architecture.SEED, 1, 64, 11, 0, Optional.of(DigitAugmenter.STANDARD));
        TrainingResult first = new ModelTrainer().train(small, validation, settings);
        TrainingResult second = new ModelTrainer().train(small, validation, settings);
        TrainingResult plain = new ModelTrainer().train(small, validation, new TrainingSettings(Architecture.SEED, 1, 64, 11, 0, Optional.empty()));

        assertThat(second.artifact().version()).as("same seed, same distortions, same weights").isEqualTo(first.artifact().version());
        assertThat(plain.artifact().version()).as("the distortions changed what was learnt").isNotEqualTo(first.artifact().version());
        assertThat(first.artifact().metadata().hyperParameters()).containsKey("augmentation");
        assertThat(plain.artifact().metadata().hyperParameters()).doesNotContainKey("augmentation");
    }
}
