package io.inkstream.cli.bench.cpu;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU that the JIT compilers of some JVMs use, from {@code /proc}: their threads are told by name
 * ({@link Stage#JIT}). Counted thread by thread, so a compiler thread the JVM starts or stops between
 * two looks (HotSpot adds and removes them with the work) neither counts twice nor takes CPU back.
 */
public final class CompilerCpu {
    private final List<Long> pids;
    private Map<Long, ProcessCpu> lastLook;

    private CompilerCpu(List<Long> pids, Map<Long, ProcessCpu> lastLook) {
        this.pids = pids;
        this.lastLook = lastLook;
    }

    /** Starts watching these JVMs' compilers; empty when none of them runs on this machine. */
    public static Optional<CompilerCpu> watch(Collection<Long> pids) {
        Map<Long, ProcessCpu> now = read(pids);
        return now.isEmpty() ? Optional.empty() : Optional.of(new CompilerCpu(List.copyOf(pids), now));
    }

    /** CPU seconds the compilers used since the last look (since watching began, at the first). */
    public double secondsSinceLastLook() {
        Map<Long, ProcessCpu> now = read(pids);
        long ticks = 0;
        for (ProcessCpu process : now.values()) {
            // A process not seen at the last look: each of its threads counts from zero.
            ProcessCpu before = lastLook.getOrDefault(process.pid(), new ProcessCpu(process.pid(), 0, Map.of()));
            for (Map.Entry<Long, Long> thread : process.threadTicksSince(before).entrySet()) {
                if (Stage.ofThread(process.threads().get(thread.getKey()).comm()) == Stage.JIT) {
                    ticks += Math.max(0, thread.getValue());
                }
            }
        }
        lastLook = now;
        return ticks / ProcessCpu.TICKS_PER_SECOND;
    }

    /** A reading of each of these processes that runs here. */
    private static Map<Long, ProcessCpu> read(Collection<Long> pids) {
        Map<Long, ProcessCpu> readings = new HashMap<>();
        pids.forEach(pid -> ProcessCpu.read(pid).ifPresent(reading -> readings.put(pid, reading)));
        return readings;
    }
}
