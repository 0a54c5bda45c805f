package io.inkstream.cli.bench.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** On the real {@code /proc} of this JVM: threads that burn CPU under a stage's name are counted to that stage. */
class CpuWindowTest {

    @Test
    void countsTheCpuOfEachThreadToItsStageByItsFullName() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
        long self = ProcessHandle.current().pid();
        CpuWindow window = CpuWindow.open(Map.of(self, CpuWindow.Role.STACK));
        // Longer than 15 characters: /proc alone would cut both names to "inkstream-class".
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch burnt = new CountDownLatch(2);
        burner("inkstream-classifier-test-StreamThread-1", 600, burnt, closed).start();
        burner("prediction-sink", 300, burnt, closed).start();
        burnt.await();
        List<CpuWindow.ProcessUsage> usage = window.close();
        closed.countDown();

        assertThat(usage).hasSize(1);
        CpuWindow.ProcessUsage process = usage.get(0);
        assertThat(process.role()).isEqualTo(CpuWindow.Role.STACK);
        assertThat(process.byStage().get(Stage.CLASSIFIER)).as("the classifier's burn, seconds").isBetween(0.55, 0.75);
        assertThat(process.byStage().get(Stage.SINK)).as("the sink's burn, seconds").isBetween(0.25, 0.45);
        assertThat(process.seconds()).isGreaterThanOrEqualTo(process.byStage().get(Stage.CLASSIFIER) + process.byStage().get(Stage.SINK) - 0.02);
        assertThat(process.stackSeconds()).isEqualTo(process.seconds());
    }

    @Test
    void aLoadGeneratorsThreadsNeverCountToTheStack() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
        long self = ProcessHandle.current().pid();
        CpuWindow window = CpuWindow.open(Map.of(self, CpuWindow.Role.STACK));
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch burnt = new CountDownLatch(1);
        burner("bench-uploader", 400, burnt, closed).start();
        burnt.await();
        CpuWindow.ProcessUsage process = window.close().get(0);
        closed.countDown();

        assertThat(process.byStage().get(Stage.LOAD)).isBetween(0.35, 0.55);
        assertThat(process.stackSeconds()).isEqualTo(process.seconds() - process.byStage().get(Stage.LOAD));
    }

    @Test
    void findsTheProcessListeningOnAPort() throws IOException {
        assumeThat(Files.exists(Path.of("/proc/net/tcp"))).as("Linux /proc").isTrue();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningProcesses.pidsListeningOn(server.getLocalPort())).containsExactly(ProcessHandle.current().pid());
        }
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = closed.getLocalPort();
            closed.close();
            assertThat(ListeningProcesses.pidsListeningOn(port)).isEmpty();
        }
    }

    /** A local ring: its nodes listen on one port, each on its own loopback address, and all of them are the stack. */
    @Test
    void findsEveryProcessListeningOnAPortOnAnyAddress() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/net/tcp"))).as("Linux /proc").isTrue();
        try (ServerSocket here = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = here.getLocalPort();
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Listener.class.getName(), "127.0.0.2", Integer.toString(port))
                    .redirectErrorStream(true).start();
            try {
                String ready = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(ready).as("the second process's first line").isEqualTo("listening");
                assertThat(ListeningProcesses.pidsListeningOn(port)).containsExactlyInAnyOrder(ProcessHandle.current().pid(), other.pid());
            } finally {
                other.destroyForcibly().waitFor();
            }
        }
    }

    /** The second node of {@link #findsEveryProcessListeningOnAPortOnAnyAddress}: listens until killed. */
    static final class Listener {
        public static void main(String[] args) throws Exception {
            try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 1, InetAddress.getByName(args[0]))) {
                System.out.println("listening");
                System.out.flush();
                server.accept();
            }
        }
    }

    @Test
    void readsUserAndSystemTimeEvenWhenTheCommandNameHoldsParentheses() {
        String stat = "4242 (C2 (Compiler) 1) S 1 4242 4242 0 -1 4194368 3 0 0 0 1234 56 0 0 20 0 1 0 100 0 0";
        assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 56);
    }

    @Test
    void readsFullNamesAndNativeIdsFromAThreadDump() {
        String dump = """
                "kafka-producer-network-thread | inkstream-gateway" #61 daemon prio=5 os_prio=0 cpu=812.33ms elapsed=95.2s tid=0x00007f5 nid=0x1b2e runnable  [0x00007f4]
                "C2 CompilerThread0" #5 daemon prio=9 os_prio=0 cpu=90000.1ms elapsed=99.1s tid=0x00007f6 nid=0x1a0c waiting on condition  [0x0000000000000000]
                "GC Thread#0" os_prio=0 cpu=1200.0ms elapsed=99.9s tid=0x00007f7 nid=6789 runnable
                """;
        assertThat(ThreadNames.parse(dump)).containsExactlyInAnyOrderEntriesOf(Map.of(
                0x1b2eL, "kafka-producer-network-thread | inkstream-gateway", 0x1a0cL, "C2 CompilerThread0", 6789L, "GC Thread#0"));
    }

    @Test
    void asksThisJvmForItsOwnThreadNames() {
        assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
        Map<Long, String> names = ThreadNames.of(ProcessHandle.current().pid());
        assertThat(names.values()).contains(Thread.currentThread().getName());
    }

    /**
     * A thread that runs until it has used this much CPU (not wall time: a busy machine only makes it
     * take longer), then lives on until the window is closed: a thread that has ended has no name.
     */
    private static Thread burner(String name, long cpuMillis, CountDownLatch burnt, CountDownLatch closed) {
        return new Thread(() -> {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long end = threads.getCurrentThreadCpuTime() + cpuMillis * 1_000_000;
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    x += Long.numberOfTrailingZeros(x + i);
                }
            }
            burnt.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (x == 42) {
                System.out.print("");
            }
        }, name);
    }
}
