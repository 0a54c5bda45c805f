package io.inkstream.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /health} (200 when healthy, 503 otherwise, JSON) and {@code GET /metrics}
 * (Prometheus text) on a small HTTP server: a service with no other HTTP needs no framework.
 */
public final class OpsServer implements AutoCloseable {
    /**
     * How often a service's Kafka client meters are looked for again: every 10 s rather than Micrometer's minute, so
     * that a new task's or partition's meters appear on {@code /metrics} soon after it does.
     */
    public static final Duration KAFKA_METER_REFRESH = Duration.ofSeconds(10);

    /**
     * What {@code /health} answers.
     *
     * @param healthy whether the service can do its work (200, else 503)
     * @param status  UP, DEGRADED or DOWN: all that is shown to a caller who may not see the details
     * @param details what the service says about its parts, in order (strings, numbers, booleans, null)
     */
    public record Health(boolean healthy, String status, Map<String, Object> details) {
        private static final ObjectMapper JSON = new ObjectMapper();

        public Health {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }

        /** The status and the details as one JSON object, escaped by Jackson (a model version is anyone's text). */
        public String body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status);
            body.putAll(details);
            return write(body);
        }

        /** The status alone, as JSON. */
        public String summary() {
            return write(Map.of("status", status));
        }

        private static String write(Map<String, Object> body) {
            try {
                return JSON.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("health details that are not JSON values: " + e.getMessage(), e);
            }
        }
    }

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param host the interface to listen on: services default to loopback ({@code 127.0.0.1}), so
     *             health and metrics are not open to the network unless an operator says so
     */
    public static OpsServer start(String host, int port, Supplier<Health> health, Supplier<String> prometheus) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/health", exchange -> {
                Health current = health.get();
                respond(exchange, current.healthy() ? 200 : 503, "application/json", current.body());
            });
            server.createContext("/metrics", exchange ->
                    respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.get()));
            server.setExecutor(Executors.newSingleThreadExecutor(DaemonThreads.named("ops-http")));
            server.start();
            return new OpsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
