package io.inkstream.cli.bench;

import io.inkstream.cli.options.DurationConverter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import picocli.CommandLine.ITypeConverter;

/**
 * How long {@code bench pipeline} uploads before it measures: a fixed time, or ({@code auto}) until the
 * JIT compilers of the stack's JVMs have settled. A fresh stack's JVMs compile for minutes under load:
 * on 2026-12-07, about 60 s of compiler CPU in the first 3-4 minutes of 500 uploads/s against {@code inkstream up},
 * up to 0.96 of the two cores 30 s in (a warm-up of 20 s then measured 1.34 ms of JIT an upload, and a p99 of 340 ms
 * from the cores it took). That is a cost each JVM pays once, not per upload, so a window that holds it says what the
 * stack costs while it starts, not what it costs to run.
 *
 * @param least           warm up at least this long
 * @param most            and at most this long, settled or not
 * @param untilJitSettles between the two, go on until the JIT has used under {@link #SETTLED_CORES} in {@link #QUIET_SLICES}
 *                        slices in a row; else warm up {@code least} in one piece
 */
public record Warmup(Duration least, Duration most, boolean untilJitSettles) {
    /** The JIT's CPU under which it counts as settled: at 500 uploads/s, under 0.1 ms an upload. */
    static final double SETTLED_CORES = 0.05;
    /** How often the JIT's CPU is read: long enough that one large method's compilation does not look like a trend. */
    static final Duration SLICE = Duration.ofSeconds(10);
    /**
     * Slices in a row under {@link #SETTLED_CORES} that make it settled: the JIT comes in bursts (0.07, 0.12, 0.11, 0.18, 0.06,
     * 0.06, 0.03 cores in a row at 500/s, two and a half minutes in), and one quiet slice between two busy ones is not the end.
     */
    static final int QUIET_SLICES = 2;
    public static final Warmup AUTO = new Warmup(Duration.ofSeconds(20), Duration.ofMinutes(5), true);

    /** A warm-up of exactly this long, JIT or not (what {@code --warmup 60s} asks for). */
    public static Warmup fixed(Duration duration) {
        return new Warmup(duration, duration, false);
    }

    /** What a warm-up did: how long it took, the JIT's CPU over it and in its last slice (NaN: no JIT was seen), settled or not. */
    record Done(Duration took, double jitSeconds, double lastJitCores, boolean settled) {
        /** One line for the report, above the measured window. */
        String describe() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "warmed up for %d s", took.toSeconds()));
            if (!Double.isNaN(jitSeconds)) {
                line.append(String.format(Locale.ROOT, ": the stack's JIT used %.1f s of CPU in it", jitSeconds));
            }
            if (!Double.isNaN(lastJitCores)) {
                line.append(String.format(Locale.ROOT, ", %.3f cores over its last %d s", lastJitCores, SLICE.toSeconds()));
                if (!settled) {
                    line.append(" (not settled when the most the warm-up waits ran out: what the JIT compiles now is measured too)");
                }
            }
            return line.toString();
        }
    }

    /** Uploads for a while at the measured rate; returns when they are answered. */
    interface Load {
        void upload(Duration duration) throws InterruptedException;
    }

    /**
     * Warms up: a fixed warm-up in one piece; {@code auto} in slices of {@link #SLICE}, printing the JIT's CPU after each.
     *
     * @param jitSinceLastLook the CPU seconds the stack's JIT compilers used since it was last asked; NaN when no JVM of the
     *                         stack runs on this machine
     * @param nanoClock        {@link System#nanoTime}, or a test's
     */
    Done run(Load load, DoubleSupplier jitSinceLastLook, LongSupplier nanoClock, PrintStream out) throws InterruptedException {
        long start = nanoClock.getAsLong();
        if (!untilJitSettles) {
            if (!least.isZero()) {
                load.upload(least);
            }
            double jit = jitSinceLastLook.getAsDouble();
            return new Done(Duration.ofNanos(nanoClock.getAsLong() - start), jit, Double.NaN, false);
        }
        double jit = 0;
        double cores;
        int quietSlices = 0;
        Duration elapsed;
        do {
            long sliceStart = nanoClock.getAsLong();
            load.upload(SLICE);
            long now = nanoClock.getAsLong();
            double slice = jitSinceLastLook.getAsDouble();
            elapsed = Duration.ofNanos(now - start);
            if (Double.isNaN(slice)) {
                out.printf(Locale.ROOT, "warming up: no JVM of the stack runs on this machine, so its JIT cannot be watched: %d s%n",
                        least.toSeconds());
                if (elapsed.compareTo(least) < 0) {
                    load.upload(least.minus(elapsed));
                }
                return new Done(Duration.ofNanos(nanoClock.getAsLong() - start), Double.NaN, Double.NaN, false);
            }
            jit += slice;
            cores = slice / ((now - sliceStart) / 1e9);
            quietSlices = cores < SETTLED_CORES ? quietSlices + 1 : 0;
            out.printf(Locale.ROOT, "warming up: %d s, the stack's JIT at %.3f cores%n", elapsed.toSeconds(), cores);
        } while (elapsed.compareTo(most) < 0 && (elapsed.compareTo(least) < 0 || quietSlices < QUIET_SLICES));
        return new Done(elapsed, jit, cores, quietSlices >= QUIET_SLICES);
    }

    /** {@code auto}, or a duration as every duration option takes it ({@code 60s}, {@code PT1M}). */
    public static final class Converter implements ITypeConverter<Warmup> {
        @Override
        public Warmup convert(String value) {
            return value.strip().equalsIgnoreCase("auto") ? AUTO : fixed(new DurationConverter().convert(value));
        }
    }
}
