package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientRateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ClientRateLimit limit = new ClientRateLimit(2, 4, now::get);

    @Test
    void letsABurstThroughThenRefusesWithTheSecondsUntilTheNextToken() {
        for (int i = 0; i < 4; i++) {
            assertThat(limit.take("10.0.0.1")).as("request %d of the burst", i + 1).isEmpty();
        }
        assertThat(limit.take("10.0.0.1")).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void refillsAtItsRateAndNeverBeyondTheBurst() {
        for (int i = 0; i < 4; i++) {
            limit.take("10.0.0.1");
        }
        now.addAndGet(500_000_000L); // half a second at 2/s: one token
        assertThat(limit.take("10.0.0.1")).isEmpty();
        assertThat(limit.take("10.0.0.1")).isPresent();

        now.addAndGet(3_600_000_000_000L); // an hour idle still fills only the burst
        for (int i = 0; i < 4; i++) {
            assertThat(limit.take("10.0.0.1")).isEmpty();
        }
        assertThat(limit.take("10.0.0.1")).isPresent();
    }

    @Test
    void eachClientHasItsOwnBucket() {
        for (int i = 0; i < 4; i++) {
            limit.take("10.0.0.1");
        }
        assertThat(limit.take("10.0.0.1")).isPresent();
        assertThat(limit.take("10.0.0.2")).as("another address is not held back by the first").isEmpty();
    }

    @Test
    void aCostIsSpentFromTheBucketAndOneAboveTheBurstGoesOnlyFromAFullBucketIntoDebt() {
        // 10 megapixels a second, 100 at once: what the gateway charges uploads for decoding.
        ClientRateLimit pixels = new ClientRateLimit(10e6, 100e6, now::get);
        assertThat(pixels.take("10.0.0.1", 60e6)).as("a 60 MP upload from a full bucket").isEmpty();
        assertThat(pixels.take("10.0.0.1", 60e6)).as("another at once: 40 MP left, 2 s to earn 20 more").isEqualTo(OptionalInt.of(2));
        assertThat(pixels.take("10.0.0.1", 784)).as("a raw MNIST digit still fits").isEmpty();

        // A 4096 x 4096 JPEG of 32 scans costs 537 MP, more than the burst: it goes from a full bucket, and owes the rest.
        ClientRateLimit other = new ClientRateLimit(10e6, 100e6, now::get);
        double worst = 4096.0 * 4096 * 32;
        assertThat(other.take("10.0.0.2", worst)).isEmpty();
        assertThat(other.take("10.0.0.2", 784)).as("in debt: 43.7 s until anything").isEqualTo(OptionalInt.of(44));
        assertThat(other.take("10.0.0.2", worst)).as("the next worst waits for a full bucket").isEqualTo(OptionalInt.of(54));
        now.addAndGet(54_000_000_000L);
        assertThat(other.take("10.0.0.2", worst)).isEmpty();
    }

    @Test
    void whatIsGivenBackCanBeTakenAgainButNeverFillsBeyondTheBurst() {
        ClientRateLimit pixels = new ClientRateLimit(10e6, 100e6, now::get);
        assertThat(pixels.take("10.0.0.1", 90e6)).isEmpty();
        assertThat(pixels.take("10.0.0.1", 90e6)).as("10 MP left").isPresent();
        pixels.giveBack("10.0.0.1", 90e6);
        assertThat(pixels.take("10.0.0.1", 90e6)).as("given back: a retry of what was published").isEmpty();

        pixels.giveBack("10.0.0.1", 1e9);
        assertThat(pixels.take("10.0.0.1", 100e6)).as("at most a full bucket").isEmpty();
        assertThat(pixels.take("10.0.0.1", 1)).isPresent();
        pixels.giveBack("10.0.0.9", 1e6); // a client never seen: nothing to give back to, and nothing kept
        assertThat(pixels.take("10.0.0.9", 100e6)).isEmpty();
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        ClientRateLimit slow = new ClientRateLimit(0.1, 1, now::get);
        assertThat(slow.take("10.0.0.1")).isEmpty();
        assertThat(slow.take("10.0.0.1")).isEqualTo(OptionalInt.of(10));
    }
}
