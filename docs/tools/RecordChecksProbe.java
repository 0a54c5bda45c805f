import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.ImageIds;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What the classifier's two checks of every record cost (docs/benchmarks.md): the key as an image id, the headers' size.
 * A UUID key and the headers the gateway writes, 5 million calls a round, eight rounds (the first is the JIT's).
 *
 * <pre>java -cp "$(cat inkstream-cli/target/runtime-classpath.txt)" docs/tools/RecordChecksProbe.java</pre>
 */
public final class RecordChecksProbe {
    public static void main(String[] args) {
        byte[] key = UUID.randomUUID().toString().getBytes();
        RecordHeaders headers = Headers.image("image/png", "gateway", Instant.now(), Optional.of("seven.png"), OptionalInt.of(7));
        long sink = 0; // used, so that the JIT keeps the calls
        for (int round = 0; round < 8; round++) {
            int calls = 5_000_000;
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += ImageIds.problem(key).isPresent() ? 1 : 0;
            }
            long between = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += Headers.size(headers);
            }
            long end = System.nanoTime();
            System.out.printf("round %d  ImageIds.problem %.1f ns  Headers.size %.1f ns%n", round, (between - start) / (double) calls,
                    (end - between) / (double) calls);
        }
        System.out.println("checksum " + sink);
    }
}
