package io.inkstream.classifier.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The classifier's own meters; Kafka Streams' (lag, commit rates) are bound next to them by the service. */
public final class ClassifierMetrics {
    private final MeterRegistry registry;
    private final Counter classified;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Counter threadsReplaced;
    private final Counter shadowClassified;
    private final Timer shadowInference;
    private final Map<String, AtomicInteger> activeModel = new ConcurrentHashMap<>();

    public ClassifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.classified = Counter.builder("inkstream.classifier.images.classified")
                .description("Images classified; its rate is the throughput").register(registry);
        this.batchSize = DistributionSummary.builder("inkstream.classifier.batch.size")
                .description("Images per model call").publishPercentiles(0.5, 0.99).register(registry);
        this.inference = Timer.builder("inkstream.classifier.inference")
                .description("Time of one batched model call").publishPercentiles(0.5, 0.99).register(registry);
        this.shadowClassified = Counter.builder("inkstream.classifier.shadow.classified")
                .description("Images the shadow model classified beside the active one").register(registry);
        this.shadowInference = Timer.builder("inkstream.classifier.shadow.inference")
                .description("Time of the shadow model's batched call, on top of the active one's").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.threadsReplaced = Counter.builder("inkstream.classifier.stream.threads.replaced")
                .description("Stream threads that died on an unexpected error and were replaced; should stay 0").register(registry);
    }

    public void streamThreadReplaced() {
        threadsReplaced.increment();
    }

    public void batch(int size, long nanos) {
        classified.increment(size);
        batchSize.record(size);
        inference.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void shadowBatch(int size, long nanos) {
        shadowClassified.increment(size);
        shadowInference.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void deadLetter(String stage, String errorClass) {
        Counter.builder("inkstream.classifier.dead.letters")
                .description("Images sent to images.dlq")
                .tag("stage", stage)
                .tag("reason", errorClass)
                .register(registry)
                .increment();
    }

    /** Marks the model in use: gauge 1 for it, 0 for the others this instance used before. */
    public void modelInUse(String version) {
        activeModel.computeIfAbsent(version, v -> {
            AtomicInteger inUse = new AtomicInteger(); // held by the map: a gauge keeps only a weak reference
            Gauge.builder("inkstream.classifier.model.active", inUse, AtomicInteger::get)
                    .description("1 for the model this instance classifies with, 0 for those it used before").tag("version", v)
                    .register(registry);
            return inUse;
        });
        activeModel.forEach((v, gauge) -> gauge.set(v.equals(version) ? 1 : 0));
    }

    public MeterRegistry registry() {
        return registry;
    }
}
