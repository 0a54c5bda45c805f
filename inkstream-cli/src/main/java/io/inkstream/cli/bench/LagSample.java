package io.inkstream.cli.bench;

import java.util.List;

/** How far behind the classifier and the sink were at one moment, in records, {@code second}s after the measured window opened. */
record LagSample(double second, long classifierLag, long sinkLag) {

    /**
     * Whether the pipeline keeps up with the rate: the gateway accepted at least 97% of it, and the
     * lag of the classifier and the sink over the last 5 s of sending is under 2 s worth of uploads.
     */
    static boolean keepsUp(List<LagSample> samples, long seconds, int rate, double achieved) {
        return achieved >= 0.97 * rate && endLag(samples, seconds) < 2.0 * rate;
    }

    /** Both stages' lag together, averaged over the last 5 s of a window of {@code seconds}. */
    static double endLag(List<LagSample> samples, long seconds) {
        return samples.stream().filter(s -> s.second() > seconds - 5 && s.second() <= seconds)
                .mapToLong(s -> s.classifierLag() + s.sinkLag()).average().orElse(0);
    }
}
