package io.inkstream.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The sink's meters; the consumer's own (lag among them) are bound beside them by the service. */
final class SinkMetrics {
    private final MeterRegistry registry;
    private final Counter written;
    private final Counter retries;
    private final Timer writeLatency;

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.written = Counter.builder("inkstream.sink.predictions.written")
                .description("Predictions written to both tables; its rate is rows/s per table").register(registry);
        this.retries = Counter.builder("inkstream.sink.write.retries").description("Writes retried after a timeout or an unavailable node")
                .register(registry);
        this.writeLatency = Timer.builder("inkstream.sink.write.latency").description("Time of one prediction's write")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void written(long nanos) {
        written.increment();
        writeLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void retried(int count) {
        retries.increment(count);
    }

    void deadLetter(String stage) {
        Counter.builder("inkstream.sink.dead.letters").description("Records sent to predictions.dlq").tag("stage", stage)
                .register(registry).increment();
    }
}
