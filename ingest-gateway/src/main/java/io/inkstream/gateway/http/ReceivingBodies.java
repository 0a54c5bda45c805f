package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.guard.ClientSlots;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

/**
 * Each client's share of the request bodies the gateway receives at once, and their bound in all: a handler holds a slot
 * while it reads a body (an upload's, a label's); a client whose share is taken is answered 429 {@code bodies-in-progress}
 * at once, before a thread waits on its body, and any client while all slots are taken 503 {@code bodies-busy}, so that
 * threads stay for reads and {@code /health}. Bodies that arrive whole (programs, a proxy that buffers) hold a slot for
 * microseconds. While a body is read, {@link #SILENCE} without a byte ends it (408 {@code body-too-slow}): Jetty checks
 * the minimum rate only as bytes arrive, so a body that sent one byte and then nothing held its slot and its thread until
 * the connection's 30 s idle timeout.
 */
final class ReceivingBodies {
    /** The longest a body may go without a byte while it is read: a phone on a bad network stalls for seconds, not tens. */
    static final Duration SILENCE = Duration.ofSeconds(10);

    private final ClientSlots slots;
    private final GatewayMetrics metrics;

    ReceivingBodies(ClientSlots slots, GatewayMetrics metrics) {
        this.slots = slots;
        this.metrics = metrics;
    }

    /** A body being received: its slot, and its connection's idle timeout to put back once the body is read. */
    static final class Receiving implements AutoCloseable {
        private final ClientSlots.Slot slot;
        private final HttpChannel channel;
        private final long idleTimeout;

        private Receiving(ClientSlots.Slot slot, HttpChannel channel) {
            this.slot = slot;
            this.channel = channel;
            this.idleTimeout = channel.getIdleTimeout();
            channel.setIdleTimeout(SILENCE.toMillis());
        }

        @Override
        public void close() {
            // The connection may carry other requests after this one, an event stream among them: its own timeout again.
            channel.setIdleTimeout(idleTimeout);
            slot.close();
        }
    }

    Receiving take(Context ctx) {
        String client = GatewayApp.client(ctx);
        ClientSlots.Answer answer = slots.take(client);
        if (answer == ClientSlots.Refusal.CLIENT_SHARE) {
            metrics.refused("bodies-in-progress");
            throw new ApiProblem(429, "bodies-in-progress", client + " is sending " + slots.perClient()
                    + " request bodies to this gateway already; send this one when one of them is done", Optional.of(1));
        }
        if (answer == ClientSlots.Refusal.ALL_TAKEN) {
            metrics.refused("bodies-busy");
            throw new ApiProblem(503, "bodies-busy", "this gateway is receiving " + slots.inAll()
                    + " request bodies already, as many as it may at once; retry in a second", Optional.of(1));
        }
        return new Receiving((ClientSlots.Slot) answer, Request.getBaseRequest(ctx.req()).getHttpChannel());
    }
}
