package io.inkstream.gateway.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: each may make {@code perSecond} requests a second on average, and up
 * to {@code burst} at once after a pause; or, counting what each request costs (the pixels its images will take to
 * decode), spend {@code perSecond} of it a second. A refused request is told how many whole seconds until
 * it can go ({@code Retry-After}). Clients idle for a minute are forgotten, and at most
 * {@link #MAX_CLIENTS} are remembered: a flood of new addresses costs a bounded amount of memory
 * (and an evicted client starts again with a full bucket, which is what a new client gets anyway).
 * Thread-safe.
 */
public final class ClientRateLimit {
    static final long MAX_CLIENTS = 100_000;
    private static final Duration IDLE = Duration.ofMinutes(1);

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    ClientRateLimit(double perSecond, double burst, LongSupplier nanoTime) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least one: " + perSecond + "/s, " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_CLIENTS).expireAfterAccess(IDLE).build();
    }

    /** {@code perSecond} requests a second per client, bursts of as many. */
    public static ClientRateLimit perSecond(int perSecond) {
        return new ClientRateLimit(perSecond, perSecond, System::nanoTime);
    }

    /** Takes a token for this client: empty if the request may go on, else the seconds to wait. */
    public OptionalInt take(String client) {
        return take(client, 1);
    }

    /**
     * Takes {@code cost} for this client: empty if the request may go on, else the seconds to wait. A request that costs
     * more than the burst goes on when the client's bucket is full, leaving it in debt for as long as the cost takes to
     * earn: otherwise it could never go at all.
     */
    public OptionalInt take(String client, double cost) {
        return buckets.get(client, c -> new Bucket(burst, nanoTime.getAsLong())).take(cost, perSecond, burst, nanoTime.getAsLong());
    }

    /** Gives back what a request took that turned out to cost nothing (its images were published before). */
    public void giveBack(String client, double cost) {
        Bucket bucket = buckets.getIfPresent(client);
        if (bucket != null) {
            bucket.giveBack(cost, burst);
        }
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized OptionalInt take(double cost, double perSecond, double burst, long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= cost || tokens >= burst) {
                tokens -= cost;
                return OptionalInt.empty();
            }
            double seconds = Math.ceil((Math.min(cost, burst) - tokens) / perSecond);
            return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds)));
        }

        synchronized void giveBack(double cost, double burst) {
            tokens = Math.min(burst, tokens + cost);
        }
    }
}
