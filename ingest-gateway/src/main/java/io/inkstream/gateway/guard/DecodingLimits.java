package io.inkstream.gateway.guard;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * The pixels uploads' images will take the classifier to decode, charged to their client and to all clients together on
 * this gateway: each its own token bucket ({@link ClientRateLimit}), with {@code burstSeconds} of its rate at once. The
 * per-client rate keeps one client from taking the classifier for itself; the rate in all bounds what a crowd of clients
 * (a thousand addresses each under its own rate) can make it decode, so that the backlog it leaves grows at most that fast.
 * A request refused by the rate in all is given back what its client was charged. Thread-safe.
 */
public final class DecodingLimits {
    /** The one key of the bucket all clients share. */
    private static final String EVERYONE = "";

    private final Optional<ClientRateLimit> perClient;
    private final Optional<ClientRateLimit> inAll;

    private DecodingLimits(Optional<ClientRateLimit> perClient, Optional<ClientRateLimit> inAll) {
        this.perClient = perClient;
        this.inAll = inAll;
    }

    /** Megapixels a second per client and for all together (0 turns either off), {@code burstSeconds} of each at once. */
    public static DecodingLimits of(int perClientMegapixels, int inAllMegapixels, int burstSeconds) {
        return of(perClientMegapixels, inAllMegapixels, burstSeconds, System::nanoTime);
    }

    static DecodingLimits of(int perClientMegapixels, int inAllMegapixels, int burstSeconds, LongSupplier nanoTime) {
        return new DecodingLimits(bucket(perClientMegapixels, burstSeconds, nanoTime), bucket(inAllMegapixels, burstSeconds, nanoTime));
    }

    private static Optional<ClientRateLimit> bucket(int megapixels, int burstSeconds, LongSupplier nanoTime) {
        return megapixels == 0 ? Optional.empty()
                : Optional.of(new ClientRateLimit(megapixels * 1e6, megapixels * 1e6 * burstSeconds, nanoTime));
    }

    /** Why a charge was refused, and the whole seconds until it could go ({@code Retry-After}). */
    public record Refusal(boolean everyone, int seconds) {
    }

    /** Charges {@code cost} pixels to the client and to everyone: empty if the upload may go on, else the refusal. */
    public Optional<Refusal> take(String client, double cost) {
        if (cost <= 0) {
            return Optional.empty();
        }
        if (perClient.isPresent()) {
            OptionalInt wait = perClient.get().take(client, cost);
            if (wait.isPresent()) {
                return Optional.of(new Refusal(false, wait.getAsInt()));
            }
        }
        if (inAll.isPresent()) {
            OptionalInt wait = inAll.get().take(EVERYONE, cost);
            if (wait.isPresent()) {
                perClient.ifPresent(limit -> limit.giveBack(client, cost));
                return Optional.of(new Refusal(true, wait.getAsInt()));
            }
        }
        return Optional.empty();
    }

    /** Gives back what an upload was charged that turned out to cost the classifier nothing (its images were published before). */
    public void giveBack(String client, double cost) {
        if (cost > 0) {
            perClient.ifPresent(limit -> limit.giveBack(client, cost));
            inAll.ifPresent(limit -> limit.giveBack(EVERYONE, cost));
        }
    }
}
