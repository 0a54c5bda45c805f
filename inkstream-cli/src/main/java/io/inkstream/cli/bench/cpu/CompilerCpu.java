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
    private Map<Long, Long> ticksByThread;

    private CompilerCpu(List<Long> pids, Map<Long, Long> ticksByThread) {
        this.pids = pids;
        this.ticksByThread = ticksByThread;
    }

    /** Starts watching these JVMs' compilers; empty when none of them runs on this machine. */
    public static Optional<CompilerCpu> watch(Collection<Long> pids) {
        Optional<Map<Long, Long>> now = read(pids);
        return now.map(ticks -> new CompilerCpu(List.copyOf(pids), ticks));
    }

    /** CPU seconds the compilers used since the last look (since watching began, at the first). */
    public double secondsSinceLastLook() {
        Map<Long, Long> now = read(pids).orElse(Map.of());
        long ticks = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            ticks += Math.max(0, thread.getValue() - ticksByThread.getOrDefault(thread.getKey(), 0L));
        }
        ticksByThread = now;
        return ticks / ProcessCpu.TICKS_PER_SECOND;
    }

    /** The compiler threads' ticks by thread id, or empty when no process of these runs here. */
    private static Optional<Map<Long, Long>> read(Collection<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        boolean seen = false;
        for (long pid : pids) {
            Optional<ProcessCpu> process = ProcessCpu.read(pid);
            seen |= process.isPresent();
            process.ifPresent(cpu -> compilerThreads(cpu, ticks));
        }
        return seen ? Optional.of(ticks) : Optional.empty();
    }

    private static void compilerThreads(ProcessCpu process, Map<Long, Long> into) {
        process.threads().forEach((tid, thread) -> {
            if (Stage.ofThread(thread.comm()) == Stage.JIT) {
                into.put(tid, thread.ticks());
            }
        });
    }
}
