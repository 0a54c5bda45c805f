package io.inkstream.model.evaluation;

import java.util.Locale;

/**
 * Accuracy, per-class precision and recall, and the confusion matrix of a model on labelled digits.
 *
 * @param confusion {@code confusion[actual][predicted]} counts
 */
public record Evaluation(int[][] confusion) {
    public static final int CLASSES = 10;

    public static Evaluation of(int[] actual, int[] predicted) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " labels but " + predicted.length + " predictions");
        }
        int[][] confusion = new int[CLASSES][CLASSES];
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
        }
        return new Evaluation(confusion);
    }

    public int total() {
        int total = 0;
        for (int[] row : confusion) {
            for (int count : row) {
                total += count;
            }
        }
        return total;
    }

    public int correct() {
        int correct = 0;
        for (int digit = 0; digit < CLASSES; digit++) {
            correct += confusion[digit][digit];
        }
        return correct;
    }

    public double accuracy() {
        int total = total();
        return total == 0 ? 0 : (double) correct() / total;
    }

    /** Of the images predicted as {@code digit}, the share that really are. */
    public double precision(int digit) {
        int predicted = 0;
        for (int actual = 0; actual < CLASSES; actual++) {
            predicted += confusion[actual][digit];
        }
        return predicted == 0 ? 0 : (double) confusion[digit][digit] / predicted;
    }

    /** Of the images that really are {@code digit}, the share predicted as such. */
    public double recall(int digit) {
        int actual = 0;
        for (int predicted = 0; predicted < CLASSES; predicted++) {
            actual += confusion[digit][predicted];
        }
        return actual == 0 ? 0 : (double) confusion[digit][digit] / actual;
    }

    /** The report printed at the end of training and by {@code inkstream evaluate}. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "accuracy %.2f%% (%d of %d)%n%n", 100 * accuracy(), correct(), total()));
        out.append("digit  precision  recall\n");
        for (int digit = 0; digit < CLASSES; digit++) {
            out.append(String.format(Locale.ROOT, "%5d  %8.2f%%  %5.2f%%%n", digit, 100 * precision(digit), 100 * recall(digit)));
        }
        out.append("\nconfusion matrix (rows: actual, columns: predicted)\n      ");
        for (int digit = 0; digit < CLASSES; digit++) {
            out.append(String.format(Locale.ROOT, "%6d", digit));
        }
        out.append('\n');
        for (int actual = 0; actual < CLASSES; actual++) {
            out.append(String.format(Locale.ROOT, "%6d", actual));
            for (int predicted = 0; predicted < CLASSES; predicted++) {
                out.append(String.format(Locale.ROOT, "%6d", confusion[actual][predicted]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
