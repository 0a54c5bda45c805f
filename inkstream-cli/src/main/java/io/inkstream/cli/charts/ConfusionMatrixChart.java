package io.inkstream.cli.charts;

import io.inkstream.model.evaluation.Evaluation;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.DefaultXYZDataset;

/** A confusion matrix as a PNG heat map: counts in every cell, green for right answers and red for mistakes, deeper where more. */
public final class ConfusionMatrixChart {
    static final int SIZE = 560;
    private static final Font COUNT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ConfusionMatrixChart() {
    }

    public static JFreeChart chart(Evaluation evaluation, String title) {
        int[][] confusion = evaluation.confusion();
        int classes = Evaluation.CLASSES;
        int max = 1;
        for (int actual = 0; actual < classes; actual++) {
            max = Math.max(max, confusion[actual][actual]);
        }
        double[] predictedAt = new double[classes * classes];
        double[] actualAt = new double[classes * classes];
        double[] shade = new double[classes * classes];
        NumberAxis predictedAxis = classAxis("predicted");
        NumberAxis actualAxis = classAxis("actual");
        actualAxis.setInverted(true); // 0 at the top, as the matrix is read
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new RightAndWrong());
        XYPlot plot = new XYPlot(null, predictedAxis, actualAxis, renderer);
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                int cell = actual * classes + predicted;
                int count = confusion[actual][predicted];
                // Square root so that the few mistakes are visible next to the many right answers.
                double share = Math.sqrt((double) count / max);
                predictedAt[cell] = predicted;
                actualAt[cell] = actual;
                shade[cell] = actual == predicted ? share : -share;
                if (count > 0) {
                    XYTextAnnotation label = new XYTextAnnotation(Integer.toString(count), predicted, actual);
                    label.setFont(COUNT_FONT);
                    label.setPaint(share > 0.6 ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(label);
                }
            }
        }
        DefaultXYZDataset cells = new DefaultXYZDataset();
        cells.addSeries("confusion", new double[][] {predictedAt, actualAt, shade});
        plot.setDataset(cells);
        JFreeChart chart = new JFreeChart(title + String.format(Locale.ROOT, "  (accuracy %.2f%%)", 100 * evaluation.accuracy()),
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    public static void write(Evaluation evaluation, String title, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart(evaluation, title), SIZE, SIZE);
    }

    private static NumberAxis classAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setRange(-0.5, Evaluation.CLASSES - 0.5);
        return axis;
    }

    /** The cell's value is its share of the largest right answer: positive on the diagonal, negative off it. */
    private static final class RightAndWrong implements PaintScale {
        @Override
        public double getLowerBound() {
            return -1;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            float share = (float) Math.min(1, Math.abs(value));
            return value > 0
                    ? new Color(1 - 0.8f * share, 1 - 0.4f * share, 1 - 0.8f * share)
                    : new Color(1f, 1 - 0.8f * share, 1 - 0.8f * share);
        }
    }
}
