package io.inkstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The warm-up's decisions, on a clock that the uploads move and a JIT whose CPU each slice is scripted. */
class WarmupTest {
    private final List<Duration> uploads = new ArrayList<>();
    private long clock;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private Warmup.Done run(Warmup warmup, double... jitPerLook) throws InterruptedException {
        Iterator<Double> looks = Arrays.stream(jitPerLook).boxed().iterator();
        DoubleSupplier jit = () -> looks.hasNext() ? looks.next() : 0.0;
        return warmup.run(length -> {
            uploads.add(length);
            clock += length.toNanos();
        }, jit, () -> clock, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void autoGoesOnWhileTheJitCompilesAndStopsOnceItSettles() throws Exception {
        Warmup.Done done = run(Warmup.AUTO, 6.0, 4.0, 2.0, 0.3, 0.2, 0.1);

        assertThat(uploads).hasSize(5).containsOnly(Warmup.SLICE);
        assertThat(done.took()).isEqualTo(Duration.ofSeconds(50));
        assertThat(done.settled()).isTrue();
        assertThat(done.jitSeconds()).isEqualTo(12.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(done.lastJitCores()).isEqualTo(0.02, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(lines()).containsExactly("warming up: 10 s, the stack's JIT at 0.600 cores", "warming up: 20 s, the stack's JIT at 0.400 cores",
                "warming up: 30 s, the stack's JIT at 0.200 cores", "warming up: 40 s, the stack's JIT at 0.030 cores",
                "warming up: 50 s, the stack's JIT at 0.020 cores");
        assertThat(done.describe()).isEqualTo("warmed up for 50 s: the stack's JIT used 12.5 s of CPU in it, 0.020 cores over its last 10 s");
    }

    @Test
    void oneQuietSliceBetweenBusyOnesIsNotTheEnd() throws Exception {
        Warmup.Done done = run(Warmup.AUTO, 3.0, 0.3, 2.0, 0.3, 0.4, 9.0);

        assertThat(done.took()).isEqualTo(Duration.ofSeconds(50));
        assertThat(done.settled()).isTrue();
    }

    @Test
    void autoWarmsUpAtLeastItsLeastEvenWhenTheJitIsQuietAtOnce() throws Exception {
        Warmup.Done done = run(Warmup.AUTO, 0.1, 0.1, 0.1);

        assertThat(done.took()).isEqualTo(Duration.ofSeconds(20));
        assertThat(done.settled()).isTrue();
    }

    @Test
    void autoStopsAtItsMostAndSaysTheJitHadNotSettled() throws Exception {
        double[] busy = new double[100];
        Arrays.fill(busy, 1.0);
        Warmup.Done done = run(Warmup.AUTO, busy);

        assertThat(done.took()).isEqualTo(Duration.ofMinutes(5));
        assertThat(uploads).hasSize(30);
        assertThat(done.settled()).isFalse();
        assertThat(done.describe()).isEqualTo("warmed up for 300 s: the stack's JIT used 30.0 s of CPU in it, 0.100 cores over its last 10 s"
                + " (not settled when the most the warm-up waits ran out: what the JIT compiles now is measured too)");
    }

    @Test
    void autoWithoutAJvmOfTheStackToWatchWarmsUpItsLeast() throws Exception {
        Warmup.Done done = run(Warmup.AUTO, Double.NaN, Double.NaN);

        assertThat(uploads).containsExactly(Warmup.SLICE, Duration.ofSeconds(10));
        assertThat(done.took()).isEqualTo(Duration.ofSeconds(20));
        assertThat(lines()).containsExactly("warming up: no JVM of the stack runs on this machine, so its JIT cannot be watched: 20 s");
        assertThat(done.describe()).isEqualTo("warmed up for 20 s");
    }

    @Test
    void aDurationWarmsUpExactlyThatLongInOnePieceWhateverTheJit() throws Exception {
        Warmup.Done done = run(Warmup.fixed(Duration.ofSeconds(60)), 25.0);

        assertThat(uploads).containsExactly(Duration.ofSeconds(60));
        assertThat(lines()).isEmpty();
        assertThat(done.describe()).isEqualTo("warmed up for 60 s: the stack's JIT used 25.0 s of CPU in it");
        assertThat(run(Warmup.fixed(Duration.ZERO), Double.NaN).describe()).isEqualTo("warmed up for 0 s");
        assertThat(uploads).hasSize(1);
    }

    @Test
    void theOptionTakesAutoOrADuration() {
        Warmup.Converter converter = new Warmup.Converter();
        assertThat(converter.convert("auto")).isEqualTo(Warmup.AUTO);
        assertThat(converter.convert(" AUTO ")).isEqualTo(Warmup.AUTO);
        assertThat(converter.convert("60s")).isEqualTo(Warmup.fixed(Duration.ofSeconds(60)));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Warmup.fixed(Duration.ofSeconds(90)));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> converter.convert("PT-5S")).isInstanceOf(TypeConversionException.class).hasMessageContaining("negative");
    }
}
