package io.inkstream.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    /**
     * The OS hands a closed port out again (2,000 picks of port 0 here gave 1,733 distinct ports), so without the
     * record of what was handed out 500 picks repeat some and this fails (checked).
     */
    @Test
    void neverHandsOutTheSamePortTwice() {
        List<Integer> ports = IntStream.range(0, 500).map(i -> LoopbackPorts.free()).boxed().toList();

        assertThat(ports).as("ports handed out twice").doesNotHaveDuplicates();
        assertThat(ports).allSatisfy(port -> LoopbackPorts.requireFree(port, "test"));
    }

    /**
     * Two modules' tests run at once: what one JVM was handed, another is not. With only each JVM's own record, 300 picks
     * in each share about a dozen ports (checked: 14).
     */
    @Test
    void anotherJvmIsNotHandedWhatThisOneWas() throws Exception {
        Set<Integer> theirs = pickedByAnotherJvm(300);
        Set<Integer> ours = IntStream.range(0, 300).map(i -> LoopbackPorts.free()).boxed().collect(Collectors.toSet());

        assertThat(theirs).hasSize(300);
        assertThat(ours).as("ports both JVMs were handed").doesNotContainAnyElementsOf(theirs);
    }

    private static Set<Integer> pickedByAnotherJvm(int count) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process picker = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Picker.class.getName(),
                Integer.toString(count)).redirectErrorStream(true).start();
        String printed = new String(picker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(picker.waitFor(60, TimeUnit.SECONDS)).as("the other JVM ended; it printed %s", printed).isTrue();
        assertThat(picker.exitValue()).as("the other JVM's exit; it printed %s", printed).isZero();
        return Arrays.stream(printed.split(" ")).map(Integer::valueOf).collect(Collectors.toSet());
    }

    /** The other JVM: prints the ports it was handed, separated by spaces. */
    static final class Picker {
        public static void main(String[] args) {
            System.out.println(IntStream.range(0, Integer.parseInt(args[0])).mapToObj(i -> Integer.toString(LoopbackPorts.free()))
                    .collect(Collectors.joining(" ")));
        }
    }
}
