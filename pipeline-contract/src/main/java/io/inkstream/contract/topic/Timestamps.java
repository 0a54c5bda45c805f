package io.inkstream.contract.topic;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The instants a record may carry (a prediction's {@code submittedAt} and {@code classifiedAt}, a correction's
 * {@code correctedAt}, the {@code submitted-at} and {@code failed-at} headers): years 1 to 9999. Every reader can store
 * those (Cassandra's timestamp is milliseconds in a long, and the driver throws on anything further than about 292
 * million years away) and show them (ISO-8601's four-digit years). A producer may write anything: an instant outside
 * this range stopped the sink for good before it was refused at the boundary.
 */
public final class Timestamps {
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private Timestamps() {
    }

    public static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** An ISO-8601 instant within the range, or empty for anything else. */
    public static Optional<Instant> parse(String text) {
        try {
            return Optional.of(Instant.parse(text.strip())).filter(Timestamps::storable);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A record's timestamp as an instant within the range, or empty. */
    public static Optional<Instant> ofEpochMilli(long millis) {
        return Optional.of(Instant.ofEpochMilli(millis)).filter(Timestamps::storable);
    }

    /** The sentence a refusal gives for an instant out of range. */
    public static String outOfRange(String field, Instant instant) {
        return field + " " + instant + " is not between the years 1 and 9999";
    }
}
