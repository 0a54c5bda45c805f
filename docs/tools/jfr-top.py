#!/usr/bin/env python3
"""Where each stage's CPU went, from a JDK Flight Recorder file: the hottest methods per thread group.

usage: docs/tools/jfr-top.py RECORDING.jfr [SECONDS] [TOP]

Reads `jfr print --json --events jdk.ExecutionSample` (the JDK's own tool), keeps the samples of
the last SECONDS of the recording (default: all), groups threads into the pipeline's stages by their
Java names (the same rules as `inkstream bench pipeline`), and prints for each stage its share of
the samples, its hottest methods by self time (the top frame), and by inclusive time (anywhere on the
stack, inkstream, Kafka, DL4J, driver and Jetty frames only). docs/benchmarks.md quotes its output.
"""
import collections
import datetime
import json
import re
import subprocess
import sys

STAGES = [
    ("gateway", r"JettyServerThreadPool|Javalin|inkstream-gateway|^gateway-"),
    ("classifier", r"inkstream-classifier|StreamThread|GlobalStreamThread"),
    ("sink", r"prediction-sink|inkstream-sink"),
    ("broker", r"^data-plane|^kafka-|^broker-|^controller-|^quorum|^raft|group-coordinator|share-coordinator|TxnMarker|"
               r"AddPartitionsTo|ExpirationReaper|^executor-|LogDirFailure|ReplicaFetcher|^transaction-|^metrics-"),
    ("cassandra-driver", r"^s\d+-"),
    ("bench", r"^bench-"),
]
INTERESTING = re.compile(r"^(io/inkstream|org/apache/kafka|kafka/|org/deeplearning4j|org/nd4j|com/datastax|org/eclipse/jetty|io/javalin|"
                         r"com/fasterxml|ch/qos|org/slf4j)")


def stage(name):
    for label, pattern in STAGES:
        if re.search(pattern, name):
            return label
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: jfr-top.py RECORDING.jfr [SECONDS] [TOP]")
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else None
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    printed = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", sys.argv[1]],
                             check=True, capture_output=True, text=True).stdout
    events = json.loads(printed)["recording"]["events"]
    def when(event):
        return datetime.datetime.fromisoformat(event["values"]["startTime"].replace("Z", "+00:00")).timestamp()
    if seconds and events:
        end = max(when(e) for e in events)
        events = [e for e in events if when(e) >= end - seconds]
    samples = collections.Counter()
    self_time = collections.defaultdict(collections.Counter)
    inclusive = collections.defaultdict(collections.Counter)
    for event in events:
        values = event["values"]
        thread = values["sampledThread"]
        label = stage(thread.get("javaName") or thread.get("osName") or "")
        samples[label] += 1
        frames = [f"{f['method']['type']['name']}.{f['method']['name']}" for f in (values["stackTrace"] or {}).get("frames", [])]
        if frames:
            self_time[label][frames[0]] += 1
        for frame in set(f for f in frames if INTERESTING.match(f)):
            inclusive[label][frame] += 1
    total = sum(samples.values()) or 1
    print(f"{total} samples" + (f" in the last {seconds:.0f} s" if seconds else ""))
    for label, count in samples.most_common():
        print(f"\n{label}: {count} samples ({100 * count / total:.0f}%)")
        print("  self:")
        for frame, n in self_time[label].most_common(top):
            print(f"    {100 * n / count:5.1f}%  {frame}")
        print("  inclusive:")
        for frame, n in inclusive[label].most_common(top):
            print(f"    {100 * n / count:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
