package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** The one wait of this module's ITs: reads until a value is right; a wait that runs out fails with what it read. */
public final class Waits {
    private static final Duration EVERY = Duration.ofMillis(50);

    /** Reads a value, throwing what reading it throws (a broker's answer, a directory listing). */
    @FunctionalInterface
    public interface Read<T> {
        T get() throws Exception;
    }

    private Waits() {
    }

    /**
     * Reads until {@code done} holds, and returns that value; past {@code within} fails with the values read, as
     * {@code shown}, each change once (not 400 copies of the same gauge).
     */
    public static <T> T until(Read<T> read, Predicate<T> done, Function<T, ?> shown, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<Object> seen = new ArrayList<>();
        while (true) {
            T value = read.get();
            if (done.test(value)) {
                return value;
            }
            Object show = shown.apply(value);
            if (seen.isEmpty() || !Objects.equals(seen.get(seen.size() - 1), show)) {
                seen.add(show);
            }
            assertThat(System.nanoTime()).as("%s within %s; read %s", what, within, seen).isLessThan(deadline);
            Thread.sleep(EVERY.toMillis());
        }
    }
}
