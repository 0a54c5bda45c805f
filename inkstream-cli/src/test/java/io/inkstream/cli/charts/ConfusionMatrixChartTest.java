package io.inkstream.cli.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.model.evaluation.Evaluation;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfusionMatrixChartTest {
    // Three 1s (one read as 7), two 7s (both right), one 3 read as 1.
    private final Evaluation evaluation = Evaluation.of(new int[] {1, 1, 1, 7, 7, 3}, new int[] {1, 1, 7, 7, 7, 1});

    @Test
    void drawsRightAnswersGreenMistakesRedAndEmptyCellsWhite(@TempDir Path temp) throws Exception {
        Path png = temp.resolve("charts/confusion.png");
        ConfusionMatrixChart.write(evaluation, "test model", png);
        BufferedImage written = ImageIO.read(png.toFile());
        assertThat(written.getWidth()).isEqualTo(ConfusionMatrixChart.SIZE);

        JFreeChart chart = ConfusionMatrixChart.chart(evaluation, "test model");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(ConfusionMatrixChart.SIZE, ConfusionMatrixChart.SIZE, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        XYPlot plot = chart.getXYPlot();
        int right = image.getRGB(x(plot, area, 1), y(plot, area, 1) + 12); // actual 1 read as 1 (below the count)
        int mistake = image.getRGB(x(plot, area, 7), y(plot, area, 1) + 12); // actual 1 read as 7
        int empty = image.getRGB(x(plot, area, 5), y(plot, area, 1) + 12);
        assertThat(green(right)).as("a right answer").isGreaterThan(red(right));
        assertThat(red(mistake)).as("a mistake").isGreaterThan(green(mistake));
        assertThat(empty & 0xffffff).as("no image there").isEqualTo(0xffffff);
    }

    private static int x(XYPlot plot, Rectangle2D area, int predicted) {
        return (int) plot.getDomainAxis().valueToJava2D(predicted, area, RectangleEdge.TOP);
    }

    private static int y(XYPlot plot, Rectangle2D area, int actual) {
        return (int) plot.getRangeAxis().valueToJava2D(actual, area, RectangleEdge.LEFT);
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }
}
