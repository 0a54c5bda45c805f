package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecodingLimitsTest {
    private static final double MEGAPIXELS = 1e6;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aCrowdOfClientsEachUnderItsOwnRateIsRefusedBeyondTheRateInAll() {
        // 2 MP/s a client and 6 MP/s in all, 5 s of each at once: a client may send 10 MP, everyone together 30.
        DecodingLimits limits = DecodingLimits.of(2, 6, 5, now::get);
        for (int client = 1; client <= 3; client++) {
            assertThat(limits.take("10.0.0." + client, 10 * MEGAPIXELS)).as("client %d", client).isEmpty();
        }
        Optional<DecodingLimits.Refusal> fourth = limits.take("10.0.0.4", 10 * MEGAPIXELS);
        assertThat(fourth).contains(new DecodingLimits.Refusal(true, 2)); // 10 MP short at 6 a second
        // The fourth client was given its charge back: when everyone's bucket has room again, its own is still full.
        now.addAndGet(5_000_000_000L);
        assertThat(limits.take("10.0.0.4", 10 * MEGAPIXELS)).isEmpty();
        // A client over its own rate is refused as itself (429), whatever everyone's bucket holds.
        assertThat(limits.take("10.0.0.4", 1 * MEGAPIXELS)).contains(new DecodingLimits.Refusal(false, 1));
    }

    @Test
    void theControlWithoutTheRateInAllAcceptsTheCrowd() {
        DecodingLimits limits = DecodingLimits.of(2, 0, 5, now::get);
        for (int client = 1; client <= 100; client++) {
            assertThat(limits.take("10.0.0." + client, 10 * MEGAPIXELS)).as("client %d", client).isEmpty();
        }
    }

    @Test
    void whatIsGivenBackGoesBackToTheClientAndToEveryone() {
        DecodingLimits limits = DecodingLimits.of(2, 6, 5, now::get);
        assertThat(limits.take("10.0.0.1", 10 * MEGAPIXELS)).isEmpty();
        limits.giveBack("10.0.0.1", 10 * MEGAPIXELS); // a replay of images already published
        assertThat(limits.take("10.0.0.1", 10 * MEGAPIXELS)).isEmpty();
        assertThat(limits.take("10.0.0.2", 10 * MEGAPIXELS)).isEmpty();
        assertThat(limits.take("10.0.0.3", 10 * MEGAPIXELS)).isEmpty();
        assertThat(limits.take("10.0.0.4", 10 * MEGAPIXELS)).as("everyone's 30 MP spent").isPresent();
        // Nothing to decode (a raw digit is still charged its 784 pixels; only a cost of 0 is free) is never refused.
        assertThat(limits.take("10.0.0.4", 0)).isEmpty();
    }

    @Test
    void bothOffChargeNothing() {
        DecodingLimits limits = DecodingLimits.of(0, 0, 5, now::get);
        assertThat(limits.take("10.0.0.1", 1e12)).isEmpty();
    }
}
