package io.inkstream.sink;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The sink tests' wait for something the sink writes: it polls, and a wait that runs out fails with what it last saw. */
final class Await {
    static final Duration WITHIN = Duration.ofSeconds(60);

    private Await() {
    }

    /** Polls until {@code done} holds; fails with the last value seen at the deadline. */
    static <T> T until(Supplier<T> value, Predicate<T> done, String what) throws InterruptedException {
        long end = System.nanoTime() + WITHIN.toNanos();
        T seen = value.get();
        while (!done.test(seen)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + WITHIN + ": " + what + "; last seen " + seen);
            }
            Thread.sleep(250);
            seen = value.get();
        }
        return seen;
    }
}
