package io.inkstream.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    /**
     * The OS hands a closed port out again: 500 picks of port 0 here repeat a port about ten times, so without the
     * record of what was handed out this fails (checked).
     */
    @Test
    void neverHandsOutTheSamePortTwice() {
        List<Integer> ports = IntStream.range(0, 500).map(i -> LoopbackPorts.free()).boxed().toList();

        Set<Integer> seen = new HashSet<>();
        assertThat(ports.stream().filter(port -> !seen.add(port)).toList()).as("ports handed out twice").isEmpty();
        assertThat(ports).allSatisfy(port -> LoopbackPorts.requireFree(port, "test"));
    }
}
