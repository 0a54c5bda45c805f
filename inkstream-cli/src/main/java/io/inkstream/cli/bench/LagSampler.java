package io.inkstream.cli.bench;

import io.inkstream.contract.topic.Topics;
import io.inkstream.ops.kafka.GroupLag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** Samples the classifier's and the sink's lag once a second, on a thread of its own, until closed. */
final class LagSampler implements AutoCloseable {
    private final List<LagSample> samples = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "bench-lag-sampler"));

    LagSampler(Admin admin, String classifierGroup, String sinkGroup) {
        GroupLag lagOf = new GroupLag(admin);
        long start = System.nanoTime();
        scheduler.scheduleAtFixedRate(() -> {
            try {
                LagSample sample = new LagSample((System.nanoTime() - start) / 1e9, lagOf.of(classifierGroup, Topics.IMAGES),
                        lagOf.of(sinkGroup, Topics.PREDICTIONS));
                synchronized (samples) {
                    samples.add(sample);
                }
            } catch (Exception e) {
                // a missed sample is a gap in the lag curve, nothing more
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    List<LagSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
