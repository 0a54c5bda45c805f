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
    void aSlowRateAsksForALongerWait() {
        ClientRateLimit slow = new ClientRateLimit(0.1, 1, now::get);
        assertThat(slow.take("10.0.0.1")).isEmpty();
        assertThat(slow.take("10.0.0.1")).isEqualTo(OptionalInt.of(10));
    }
}
