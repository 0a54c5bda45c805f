package io.inkstream.cli.bench;

import java.time.Instant;

/**
 * One image's journey, in microseconds since the epoch: due to be sent (the load's clock), accepted
 * by the gateway ({@code submitted_at}), classified ({@code classified_at}), its row written
 * ({@code WRITETIME}, stamped by the sink's driver).
 */
record ImageTiming(long sentMicros, long submittedMicros, long classifiedMicros, long writtenMicros) {
    long endToEnd() {
        return writtenMicros - sentMicros;
    }

    long gateway() {
        return submittedMicros - sentMicros;
    }

    long classify() {
        return classifiedMicros - submittedMicros;
    }

    long store() {
        return writtenMicros - classifiedMicros;
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }
}
