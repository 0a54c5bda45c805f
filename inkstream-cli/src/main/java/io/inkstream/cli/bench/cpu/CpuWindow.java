package io.inkstream.cli.bench.cpu;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU each watched process used between {@link #open} and {@link #close}, and inside a JVM of
 * the stack, each {@link Stage}'s share, by thread. Thread names are read at the close (from the
 * JVM's thread dump, see {@link ThreadNames}), outside the window, so asking costs the window nothing.
 * A thread that ends inside the window has no name by then: its CPU is in its process's total and
 * counted as {@link Stage#OTHER}.
 */
public final class CpuWindow {
    /** What a watched process is to the benchmark. */
    public enum Role {
        /** A JVM of the pipeline (broker, gateway, classifier, sink: any of them); split by stage. */
        STACK("stack JVM"),
        /** A Cassandra node: all of it counts to the stack. */
        CASSANDRA("Cassandra node"),
        /** The benchmark's own JVM when it runs apart from the stack: never counted to the stack. */
        LOAD("load generator");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One process over the window: its CPU seconds, and by stage. */
    public record ProcessUsage(long pid, Role role, double seconds, Map<Stage, Double> byStage) {
        /** What of this process the stack spent: all of it but a load generator's threads. */
        public double stackSeconds() {
            return role == Role.LOAD ? 0 : seconds - byStage.getOrDefault(Stage.LOAD, 0.0);
        }
    }

    private final Map<Long, Role> roles;
    private final Map<Long, ProcessCpu> start = new LinkedHashMap<>();

    private CpuWindow(Map<Long, Role> roles) {
        this.roles = roles;
    }

    /** Starts watching these processes; one that is not running (or not local) is left out. */
    public static CpuWindow open(Map<Long, Role> roles) {
        CpuWindow window = new CpuWindow(new LinkedHashMap<>(roles));
        roles.keySet().forEach(pid -> ProcessCpu.read(pid).ifPresent(reading -> window.start.put(pid, reading)));
        return window;
    }

    public List<ProcessUsage> close() {
        Map<Long, ProcessCpu> end = new LinkedHashMap<>();
        start.keySet().forEach(pid -> ProcessCpu.read(pid).ifPresent(reading -> end.put(pid, reading)));
        List<ProcessUsage> usage = new ArrayList<>();
        for (Map.Entry<Long, ProcessCpu> entry : end.entrySet()) {
            long pid = entry.getKey();
            Role role = roles.get(pid);
            usage.add(usage(pid, role, start.get(pid), entry.getValue(), role == Role.CASSANDRA ? Map.of() : ThreadNames.of(pid)));
        }
        return usage;
    }

    static ProcessUsage usage(long pid, Role role, ProcessCpu before, ProcessCpu after, Map<Long, String> names) {
        double total = (after.ticks() - before.ticks()) / ProcessCpu.TICKS_PER_SECOND;
        Map<Stage, Double> byStage = new EnumMap<>(Stage.class);
        if (role == Role.CASSANDRA) {
            byStage.put(Stage.CASSANDRA, total);
        } else {
            double counted = 0;
            for (Map.Entry<Long, Long> thread : after.threadTicksSince(before).entrySet()) {
                double seconds = thread.getValue() / ProcessCpu.TICKS_PER_SECOND;
                Stage stage = role == Role.LOAD ? Stage.LOAD
                        : Stage.ofThread(names.getOrDefault(thread.getKey(), after.threads().get(thread.getKey()).comm()));
                byStage.merge(stage, seconds, Double::sum);
                counted += seconds;
            }
            // threads that ended inside the window are in the process's total only
            if (total - counted > 0) {
                byStage.merge(role == Role.LOAD ? Stage.LOAD : Stage.OTHER, total - counted, Double::sum);
            }
        }
        return new ProcessUsage(pid, role, total, byStage);
    }
}
