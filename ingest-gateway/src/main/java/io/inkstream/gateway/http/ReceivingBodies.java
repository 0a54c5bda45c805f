package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.guard.ClientSlots;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Each client's share of the request bodies the gateway receives at once: a handler holds a slot while it reads a body
 * (an upload's, a label's), and a client whose share is taken is answered 429 {@code bodies-in-progress} at once, before
 * a thread waits on its body. Bodies that arrive whole (programs, a proxy that buffers) hold a slot for microseconds.
 */
final class ReceivingBodies {
    private final ClientSlots slots;
    private final GatewayMetrics metrics;

    ReceivingBodies(ClientSlots slots, GatewayMetrics metrics) {
        this.slots = slots;
        this.metrics = metrics;
    }

    ClientSlots.Slot take(Context ctx) {
        return slots.take(ctx.ip()).orElseThrow(() -> {
            metrics.refused("bodies-in-progress");
            return new ApiProblem(429, "bodies-in-progress", ctx.ip() + " is sending " + slots.perClient()
                    + " request bodies to this gateway already; send this one when one of them is done", Optional.of(1));
        });
    }
}
