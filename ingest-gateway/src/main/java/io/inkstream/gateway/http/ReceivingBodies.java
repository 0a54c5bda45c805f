package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.guard.ClientSlots;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Each client's share of the request bodies the gateway receives at once, and their bound in all: a handler holds a slot
 * while it reads a body (an upload's, a label's); a client whose share is taken is answered 429 {@code bodies-in-progress}
 * at once, before a thread waits on its body, and any client while all slots are taken 503 {@code bodies-busy}, so that
 * threads stay for reads and {@code /health}. Bodies that arrive whole (programs, a proxy that buffers) hold a slot for
 * microseconds.
 */
final class ReceivingBodies {
    private final ClientSlots slots;
    private final GatewayMetrics metrics;

    ReceivingBodies(ClientSlots slots, GatewayMetrics metrics) {
        this.slots = slots;
        this.metrics = metrics;
    }

    ClientSlots.Slot take(Context ctx) {
        ClientSlots.Answer answer = slots.take(GatewayApp.client(ctx));
        if (answer == ClientSlots.Refusal.CLIENT_SHARE) {
            metrics.refused("bodies-in-progress");
            throw new ApiProblem(429, "bodies-in-progress", GatewayApp.client(ctx) + " is sending " + slots.perClient()
                    + " request bodies to this gateway already; send this one when one of them is done", Optional.of(1));
        }
        if (answer == ClientSlots.Refusal.ALL_TAKEN) {
            metrics.refused("bodies-busy");
            throw new ApiProblem(503, "bodies-busy", "this gateway is receiving " + slots.inAll()
                    + " request bodies already, as many as it may at once; retry in a second", Optional.of(1));
        }
        return (ClientSlots.Slot) answer;
    }
}
