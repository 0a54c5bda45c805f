package io.inkstream.ops.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Leaves out the warnings Kafka logs when nothing is wrong, each named by its logger and a piece of its message, so that
 * a clean start and stop of {@code inkstream up} log no warning (UpCommandIT) and a warning in the log means something.
 * Every other warning of the same loggers is logged: a consumer's or a broker's connection refused still shows.
 * {@code logback.xml} installs it.
 */
public final class HarmlessKafkaWarnings extends TurboFilter {
    private record Harmless(String logger, String fragment) {
    }

    private static final List<Harmless> HARMLESS = List.of(
            // The controller logs its activation at WARN at every start of a broker (Kafka 4.3).
            new Harmless("org.apache.kafka.controller.QuorumController", "Performing controller activation"),
            // An offset lookup answered for a partition the consumer has since let go: the classifier's global consumer
            // restores its two topics one after the other, at every start.
            new Harmless("org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", "as it is no longer assigned"),
            // A stopping broker closes its controller registration channel twice.
            new Harmless("org.apache.kafka.clients.NetworkClient", "Attempting to close NetworkClient that has already been closed"));

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // Called for every logging call and level check of every library: the level first, a reference comparison.
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        for (Harmless harmless : HARMLESS) {
            if (logger.getName().equals(harmless.logger()) && format.contains(harmless.fragment())) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
