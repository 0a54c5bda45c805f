package io.inkstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.cli.bench.cpu.CpuWindow;
import io.inkstream.cli.bench.cpu.Stage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's figures from known timings: what runs are compared by must be computed, not just printed. */
class PipelineReportTest {
    private static final long START = 1_700_000_000_000_000L;

    /** 100 images a second for 10 s; image i takes 50 ms end to end, every 100th 400 ms. */
    private static List<ImageTiming> timings() {
        List<ImageTiming> timed = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long sent = START + i * 10_000L;
            long total = i % 100 == 99 ? 400_000 : 50_000;
            timed.add(new ImageTiming(sent, sent + 1_000, sent + 11_000, sent + total));
        }
        return timed;
    }

    @Test
    void endsWithTheSummaryLineOfItsOwnFiguresAndDrawsTheChart(@TempDir Path temp) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<LagSample> lag = List.of(new LagSample(8, 40, 10), new LagSample(9, 20, 5), new LagSample(10, 0, 0));
        // 2 s of stack CPU and 0.5 s of the load generator's, for 1,000 uploads: 2.00 ms each, the load left out.
        List<CpuWindow.ProcessUsage> cpu = List.of(
                new CpuWindow.ProcessUsage(10, CpuWindow.Role.STACK, 1.5, Map.of(Stage.BROKER, 1.0, Stage.GATEWAY, 0.5)),
                new CpuWindow.ProcessUsage(11, CpuWindow.Role.CASSANDRA, 0.5, Map.of()),
                new CpuWindow.ProcessUsage(12, CpuWindow.Role.LOAD, 0.5, Map.of()));
        Path chart = temp.resolve("chart.png");

        new PipelineReport("http://gateway", new PrintStream(printed, true, StandardCharsets.UTF_8))
                .print(new PipelineReport.Window(100, Duration.ofSeconds(10), UploadImages.DRAWINGS, 10.0, START, 1000, 0, Duration.ofSeconds(95)), timings(), lag, cpu, chart);

        List<String> lines = printed.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("pipeline-bench rate=100 achieved=100 p50_ms=50 p99_ms=50 stack_cpu_ms=2.00 keeps_up=true images=drawings warmup_s=95");
        assertThat(lines).anyMatch(line -> line.matches("end to end: sent -> row written\\s+50\\.0\\s+50\\.0\\s+50\\.0\\s+400\\.0"));
        // 1_700_000_000 s after the epoch is 22:13:20 UTC; the 400 ms images are the last of each second.
        assertThat(lines).contains("slowest seconds (as on the chart; UTC, to find in the services' logs): +0 s at 22:13:20, max 400 ms;"
                + " +1 s at 22:13:21, max 400 ms; +2 s at 22:13:22, max 400 ms");
        BufferedImage image = ImageIO.read(Files.newInputStream(chart));
        assertThat(image.getWidth()).isEqualTo(PipelineChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(PipelineChart.HEIGHT);
    }

    @Test
    void theSlowestSecondsAreThoseOfTheSlowestImagesSent() {
        List<ImageTiming> timed = new ArrayList<>(timings());
        long sent = START + 7_300_000; // one image sent 7.3 s into the window, 900 ms to its row
        timed.add(new ImageTiming(sent, sent, sent, sent + 900_000));
        List<PipelineReport.Second> slowest = PipelineReport.slowestSeconds(timed, START, 2);
        assertThat(slowest).extracting(PipelineReport.Second::offset).containsExactly(7L, 0L);
        assertThat(slowest.get(0).maxMs()).isEqualTo(900.0);
        assertThat(slowest.get(0).began().getEpochSecond()).isEqualTo(START / 1_000_000 + 7);
    }

    @Test
    void aPipelineThatFallsBehindDoesNotKeepUp() {
        List<LagSample> behind = List.of(new LagSample(6, 300, 0), new LagSample(7, 350, 0), new LagSample(8, 400, 0));
        assertThat(LagSample.keepsUp(behind, 10, 100, 100)).as("lag of 3.5 s of uploads at the end").isFalse();
        assertThat(LagSample.keepsUp(List.of(new LagSample(8, 10, 10)), 10, 100, 90)).as("10% refused").isFalse();
        assertThat(LagSample.keepsUp(List.of(new LagSample(8, 10, 10)), 10, 100, 100)).isTrue();
    }
}
