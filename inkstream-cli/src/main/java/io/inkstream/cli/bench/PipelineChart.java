package io.inkstream.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The benchmark's picture: every image's end-to-end latency against when it was sent, the p99 of
 * each second, and the classifier's and the sink's lag on a second axis.
 */
final class PipelineChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;

    private PipelineChart() {
    }

    static void write(Path file, int rate, long startMicros, Collection<ImageTiming> timed, List<LagSample> lag) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart(rate, startMicros, timed, lag), WIDTH, HEIGHT);
    }

    static JFreeChart chart(int rate, long startMicros, Collection<ImageTiming> timed, List<LagSample> lag) {
        XYSeries each = new XYSeries("each image", false, true);
        TreeMap<Long, List<Long>> bySecond = timed.stream().collect(Collectors.groupingBy(
                t -> (t.sentMicros() - startMicros) / 1_000_000, TreeMap::new, Collectors.mapping(ImageTiming::endToEnd, Collectors.toList())));
        timed.forEach(t -> each.add((t.sentMicros() - startMicros) / 1e6, t.endToEnd() / 1000.0));
        XYSeries p99 = new XYSeries("p99 per second");
        bySecond.forEach((second, latencies) -> p99.add(second + 0.5,
                PipelineReport.percentile(latencies.stream().mapToLong(Long::longValue).sorted().toArray(), 0.99) / 1000));
        XYSeries classifierLag = new XYSeries("classifier lag");
        XYSeries sinkLag = new XYSeries("sink lag");
        for (LagSample sample : lag) {
            classifierLag.add(sample.second(), sample.classifierLag());
            sinkLag.add(sample.second(), sample.sinkLag());
        }

        NumberAxis latencyAxis = new NumberAxis("end to end, ms");
        // The slowest 0.1% would flatten everything else; they are in the report's max column.
        long[] sorted = timed.stream().mapToLong(ImageTiming::endToEnd).sorted().toArray();
        latencyAxis.setRange(0, Math.max(10, PipelineReport.percentile(sorted, 0.999) / 1000 * 1.1));
        XYPlot plot = new XYPlot(new XYSeriesCollection(each), new NumberAxis("seconds since the measured window opened"), latencyAxis,
                renderer(false, true, new Color(0x35, 0x59, 0xE0, 60), new BasicStroke(1f)));
        plot.setDataset(1, new XYSeriesCollection(p99));
        plot.setRenderer(1, renderer(true, false, new Color(0xD6, 0x45, 0x45), new BasicStroke(2f)));
        XYSeriesCollection lags = new XYSeriesCollection(classifierLag);
        lags.addSeries(sinkLag);
        plot.setDataset(2, lags);
        plot.setRangeAxis(1, new NumberAxis("lag, records"));
        plot.mapDatasetToRangeAxis(2, 1);
        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f);
        XYLineAndShapeRenderer lagRenderer = renderer(true, false, new Color(0x1F, 0x9D, 0x55), dashed);
        lagRenderer.setSeriesPaint(1, new Color(0xE0, 0x8A, 0x00));
        lagRenderer.setSeriesStroke(1, dashed);
        plot.setRenderer(2, lagRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT, "End-to-end latency (upload sent -> row in Cassandra) at %d uploads/s", rate),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYLineAndShapeRenderer renderer(boolean lines, boolean shapes, Color paint, BasicStroke stroke) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(lines, shapes);
        renderer.setSeriesPaint(0, paint);
        renderer.setSeriesStroke(0, stroke);
        renderer.setSeriesShape(0, new Rectangle2D.Double(-1, -1, 2, 2));
        return renderer;
    }
}
