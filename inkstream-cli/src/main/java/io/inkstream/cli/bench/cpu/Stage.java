package io.inkstream.cli.bench.cpu;

import java.util.regex.Pattern;

/**
 * The part of the pipeline a thread works for, from its full Java name. One JVM can hold several
 * stages ({@code inkstream up} runs the broker and the three services together), so the CPU of
 * each is told apart by thread, never guessed from the process.
 */
public enum Stage {
    GATEWAY("JettyServerThreadPool|Javalin|inkstream-gateway|^gateway-cql-|^gateway-"),
    CLASSIFIER("inkstream-classifier|StreamThread"),
    SINK("prediction-sink|inkstream-sink|^sink-cql-"),
    BROKER("^data-plane-|^kafka-(?!admin-client|producer-network|coordinator-heartbeat)|^broker-|^controller-|^quorum-|group-coordinator"
            + "|share-coordinator|TxnMarkerSender|AddPartitionsToTxn|ExpirationReaper|^executor-|LogDirFailure|ReplicaFetcher"
            + "|^transaction-|^metrics-meter|^ReplicaAlterLog|^raft-"),
    /** A Cassandra node's own JVM: the whole process is this stage. */
    CASSANDRA("(?!)"),
    /** The load generator of {@code inkstream bench pipeline}, when it shares the stack's JVM. */
    LOAD("^bench-|\\| bench-"),
    /** As the thread dump names them ("C2 CompilerThread0") and as {@code /proc} cuts them ("C2 CompilerThre"). */
    JIT("^C[12] CompilerThre|^Sweeper thread"),
    GC("^GC Thread|^G1 |^VM Thread|^VM Periodic|^GC "),
    OTHER("(?!)");

    private final Pattern names;

    Stage(String names) {
        this.names = Pattern.compile(names);
    }

    /** The stage of a thread with this name in a JVM of the pipeline; {@link #OTHER} for what no rule names. */
    public static Stage ofThread(String name) {
        for (Stage stage : values()) {
            if (stage.names.matcher(name).find()) {
                return stage;
            }
        }
        return OTHER;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
