package io.inkstream.cli.bench.cpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU a process and each of its threads has used so far, from {@code /proc} (Linux): user plus
 * system time, in clock ticks. The process's own total also counts threads that have ended.
 */
public record ProcessCpu(long pid, long ticks, Map<Long, ThreadCpu> threads) {
    /** Linux reports times in USER_HZ, 100 per second on every architecture it runs on. */
    public static final double TICKS_PER_SECOND = 100.0;

    /** A thread's name as {@code /proc} has it (its first 15 characters) and its ticks. */
    public record ThreadCpu(String comm, long ticks) {
    }

    /** A reading of the process now; empty when it is not running (or this is not Linux). */
    public static Optional<ProcessCpu> read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long total = ticks(Files.readString(proc.resolve("stat")));
            Map<Long, ThreadCpu> threads = new HashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    try {
                        threads.put(Long.parseLong(task.getFileName().toString()),
                                new ThreadCpu(Files.readString(task.resolve("comm")).strip(), ticks(Files.readString(task.resolve("stat")))));
                    } catch (IOException | RuntimeException e) {
                        // the thread ended between the listing and the read: the process total still counts it
                    }
                }
            }
            return Optional.of(new ProcessCpu(pid, total, threads));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Each thread's ticks since {@code earlier}, a reading of the same process, by thread id: a thread that started since
     * counts from zero. A thread that ended since is not in it (its ticks are in the process's total only).
     */
    public Map<Long, Long> threadTicksSince(ProcessCpu earlier) {
        Map<Long, Long> since = new HashMap<>();
        threads.forEach((tid, thread) -> {
            ThreadCpu before = earlier.threads().get(tid);
            since.put(tid, thread.ticks() - (before == null ? 0 : before.ticks()));
        });
        return since;
    }

    /** utime + stime: fields 14 and 15 of a stat line, counted after the command name, which may hold spaces and parentheses. */
    static long ticks(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
