package io.inkstream.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

/** The figures of an evaluation; its chart is drawn by the CLI (ConfusionMatrixChartTest there). */
class EvaluationTest {
    // Three 1s (one read as 7), two 7s (both right), one 3 read as 1.
    private final Evaluation evaluation = Evaluation.of(new int[] {1, 1, 1, 7, 7, 3}, new int[] {1, 1, 7, 7, 7, 1});

    @Test
    void countsAccuracyPrecisionAndRecall() {
        assertThat(evaluation.total()).isEqualTo(6);
        assertThat(evaluation.correct()).isEqualTo(4);
        assertThat(evaluation.accuracy()).isCloseTo(4 / 6.0, offset(1e-9));
        assertThat(evaluation.precision(1)).isCloseTo(2 / 3.0, offset(1e-9)); // 1,1 right, the 3 wrong
        assertThat(evaluation.recall(1)).isCloseTo(2 / 3.0, offset(1e-9));
        assertThat(evaluation.precision(7)).isCloseTo(2 / 3.0, offset(1e-9));
        assertThat(evaluation.recall(7)).isEqualTo(1.0);
        assertThat(evaluation.recall(3)).isZero();
        assertThat(evaluation.precision(5)).isZero(); // never predicted: no division by zero
    }

    @Test
    void reportShowsAccuracyPerDigitFiguresAndTheMatrix() {
        String report = evaluation.report();
        assertThat(report).startsWith("accuracy 66.67% (4 of 6)");
        assertThat(report).contains("confusion matrix (rows: actual, columns: predicted)");
        assertThat(report.lines().filter(line -> line.matches("\\s+1(\\s+\\d+){10}")).findFirst())
                .hasValueSatisfying(row -> assertThat(row.trim().split("\\s+")).containsExactly("1", "0", "2", "0", "0", "0", "0", "0", "1", "0", "0"));
    }
}
