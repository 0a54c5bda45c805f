#!/usr/bin/env python3
"""Cores each group of threads used over a window, read from /proc (Linux only).

usage: docs/tools/thread-cpu.py SECONDS PID...

Threads are grouped per process by name with trailing numbers dropped (Linux keeps the first 15
characters of a thread's name: "data-plane-kafk" is the broker's request handlers,
"inkstream-class" the classifier's stream threads, "JettyServerThre" the gateway's, "C2
CompilerThre" the JIT). docs/benchmarks.md uses it to see which stage holds the cores while
`inkstream bench pipeline` runs; start it during the measured window, not the warm-up.

Each line also gives the share spent in the kernel and the threads' wake-ups a second (voluntary
context switches): a pool whose threads park and wake thousands of times a second, as Cassandra's
shared request pool between requests, shows there, where Flight Recorder, which samples Java frames
only, does not see it.
"""
import collections
import os
import re
import sys
import time


def snapshot(pids):
    threads = {}
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # the process ended during the window (a fault suite kills some): its threads are left out
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    wakeups = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", f.read(), re.M).group(1))
            except OSError:
                continue  # the thread ended between listing and reading
            fields = stat[stat.rindex(")") + 2:].split()
            threads[(pid, tid)] = (name, int(fields[11]), int(fields[12]), wakeups)  # utime, stime in ticks
    return threads


def main():
    try:
        seconds, pids = float(sys.argv[1]), sys.argv[2:]
        if seconds <= 0 or not pids or not all(os.path.isdir(f"/proc/{pid}/task") for pid in pids):
            raise ValueError
    except (IndexError, ValueError):
        sys.exit("usage: thread-cpu.py SECONDS PID...  (a positive window and the ids of running processes)")
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    before = snapshot(pids)
    time.sleep(seconds)
    after = snapshot(pids)
    groups, kernel, woken = collections.Counter(), collections.Counter(), collections.Counter()
    for key, (name, user, system, wakeups) in after.items():
        start = before.get(key, (name, 0, 0, 0))
        group = f"{key[0]}:{re.sub(r'[-_ #]?[0-9]+$', '', name)}"
        groups[group] += (user + system - start[1] - start[2]) / ticks_per_second
        kernel[group] += (system - start[2]) / ticks_per_second
        woken[group] += wakeups - start[3]
    for group, used in groups.most_common(25):
        if used / seconds >= 0.005:
            print(f"{used / seconds:6.2f} cores  (kernel {kernel[group] / seconds:4.2f}, {woken[group] / seconds:6.0f} wake-ups/s)  {group}")
    print(f"{sum(groups.values()) / seconds:6.2f} cores  (kernel {sum(kernel.values()) / seconds:4.2f}, "
          f"{sum(woken.values()) / seconds:6.0f} wake-ups/s)  total")


if __name__ == "__main__":
    main()
