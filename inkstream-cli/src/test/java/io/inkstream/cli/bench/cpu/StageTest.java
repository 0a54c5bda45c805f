package io.inkstream.cli.bench.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The thread names are the ones a thread dump of {@code inkstream up} shows. */
class StageTest {

    @Test
    void tellsTheStagesOfOneJvmApartByThreadName() {
        assertThat(Stage.ofThread("JettyServerThreadPool-41")).isEqualTo(Stage.GATEWAY);
        assertThat(Stage.ofThread("kafka-producer-network-thread | inkstream-gateway")).isEqualTo(Stage.GATEWAY);
        assertThat(Stage.ofThread("gateway-cql-io-0")).isEqualTo(Stage.GATEWAY);
        assertThat(Stage.ofThread("inkstream-classifier-9cacad81-0c9b-4a19-a258-78a77fdba702-StreamThread-1")).isEqualTo(Stage.CLASSIFIER);
        assertThat(Stage.ofThread("kafka-producer-network-thread | inkstream-classifier-9cacad81-StreamThread-1-producer"))
                .isEqualTo(Stage.CLASSIFIER);
        assertThat(Stage.ofThread("prediction-sink")).isEqualTo(Stage.SINK);
        assertThat(Stage.ofThread("sink-cql-io-1")).isEqualTo(Stage.SINK);
        assertThat(Stage.ofThread("data-plane-kafka-request-handler-0")).isEqualTo(Stage.BROKER);
        assertThat(Stage.ofThread("data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT-0")).isEqualTo(Stage.BROKER);
        assertThat(Stage.ofThread("kafka-1-raft-io-thread")).isEqualTo(Stage.BROKER);
        assertThat(Stage.ofThread("TxnMarkerSenderThread-1")).isEqualTo(Stage.BROKER);
        assertThat(Stage.ofThread("group-coordinator-event-processor-0")).isEqualTo(Stage.BROKER);
        assertThat(Stage.ofThread("C2 CompilerThread0")).isEqualTo(Stage.JIT);
        assertThat(Stage.ofThread("C1 CompilerThread0")).isEqualTo(Stage.JIT);
        assertThat(Stage.ofThread("C2 CompilerThre")).as("as /proc cuts it").isEqualTo(Stage.JIT);
        assertThat(Stage.ofThread("GC Thread#1")).isEqualTo(Stage.GC);
        assertThat(Stage.ofThread("G1 Conc#0")).isEqualTo(Stage.GC);
        assertThat(Stage.ofThread("bench-uploader")).isEqualTo(Stage.LOAD);
        assertThat(Stage.ofThread("kafka-admin-client-thread | bench-lag")).isEqualTo(Stage.LOAD);
    }

    @Test
    void aClientThreadOfAServiceIsNotTheBroker() {
        assertThat(Stage.ofThread("kafka-admin-client-thread | adminclient-3")).isEqualTo(Stage.OTHER);
        assertThat(Stage.ofThread("kafka-coordinator-heartbeat-thread | some-group")).isEqualTo(Stage.OTHER);
        assertThat(Stage.ofThread("main")).isEqualTo(Stage.OTHER);
    }
}
