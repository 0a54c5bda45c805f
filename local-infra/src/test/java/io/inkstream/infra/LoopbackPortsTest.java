package io.inkstream.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

        Set<Integer> seen = new HashSet<>();
        assertThat(ports.stream().filter(port -> !seen.add(port)).toList()).as("ports handed out twice").isEmpty();
        assertThat(ports).allSatisfy(port -> LoopbackPorts.requireFree(port, "test"));
    }
}
