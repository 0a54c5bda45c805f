package io.inkstream.gateway;

import io.inkstream.gateway.guard.ClientSlots;
import io.inkstream.gateway.guard.UploadBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the gateway counts: images accepted and refused (by reason), people's labels, requests refused at the edge, broker
 * refusals, publish latency, HTTP requests, the TLS certificate's renewals and expiry, the API keys and their renewals.
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter replayed;
    private final Counter publishFailures;
    private final Timer publishLatency;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("inkstream_gateway_images_accepted").description("images acknowledged by the broker and answered 202")
                .register(registry);
        this.replayed = Counter.builder("inkstream_gateway_idempotent_replays").description("uploads answered from an earlier Idempotency-Key")
                .register(registry);
        this.publishFailures = Counter.builder("inkstream_gateway_publish_failures")
                .description("uploads answered 503: the broker did not acknowledge in time").register(registry);
        this.publishLatency = Timer.builder("inkstream_gateway_publish").description("from send to the broker's acknowledgement of a request's images")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** How much of the upload budget requests hold now: at the budget, the next upload is answered 503 {@code uploads-busy}. */
    public void watch(UploadBudget uploads) {
        Gauge.builder("inkstream_gateway_upload_bytes_held", uploads, budget -> budget.totalBytes() - budget.availableBytes())
                .description("upload bytes reserved by requests in progress, out of INKSTREAM_GATEWAY_UPLOAD_MEMORY_MB").register(registry);
    }

    public void watch(ClientSlots bodies) {
        Gauge.builder("inkstream_gateway_bodies_receiving", bodies, slots -> slots.inAll() - slots.available())
                .description("request bodies being received now, out of the most all clients together may be sending").register(registry);
    }

    public void accepted(int images, long publishNanos) {
        accepted.increment(images);
        publishLatency.record(publishNanos, TimeUnit.NANOSECONDS);
    }

    public void replayed() {
        replayed.increment();
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    /** A person's label put on the corrections topic: {@code agreed} if it names the digit the latest model gave. */
    public void corrected(boolean agreed) {
        Counter.builder("inkstream_gateway_labels")
                .description("people's labels put on the corrections topic, by whether they agreed with the model")
                .tag("agreed", Boolean.toString(agreed)).register(registry).increment();
    }

    public void rejected(String reason) {
        Counter.builder("inkstream_gateway_images_rejected").description("images refused before publishing, by rejection reason")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * A request refused at the edge before its handler ran: rate-limited, origin-not-allowed, uploads-busy, or one Jetty
     * could not read (uri-too-long, headers-too-large, bad-request).
     */
    public void refused(String reason) {
        Counter.builder("inkstream_gateway_requests_refused")
                .description("requests refused at the edge before their handler ran, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** The served certificate's expiry, for an alert well before clients refuse it. */
    public void certificateExpiry(Supplier<Instant> expires) {
        // Held strongly: a gauge keeps its object weakly, and this supplier has no other holder (it read NaN after a GC).
        Gauge.builder("inkstream_gateway_certificate_expiry_timestamp_seconds", expires, at -> at.get().getEpochSecond())
                .description("when the gateway's TLS certificate expires, in seconds since the epoch").strongReference(true)
                .register(registry);
    }

    /** The key store's file changed: {@code renewed} (served from now on) or {@code refused} (the certificate in use kept). */
    public void certificateRenewal(String outcome) {
        Counter.builder("inkstream_gateway_certificate_renewals").description("changes of the TLS key store's file, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** How many API keys the gateway takes now (a keys file's, renewed while it runs). */
    public void apiKeys(Supplier<Integer> count) {
        Gauge.builder("inkstream_gateway_api_keys", count, Supplier::get).description("API keys the gateway takes now")
                .strongReference(true).register(registry);
    }

    /** The API keys file changed: {@code renewed} (its keys taken from now on) or {@code refused} (the keys in use kept). */
    public void apiKeysRenewal(String outcome) {
        Counter.builder("inkstream_gateway_api_keys_renewals").description("changes of the API keys file, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void request(String method, String route, int status, long nanos) {
        Timer.builder("inkstream_gateway_http_requests").description("HTTP requests answered, by method, route and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
