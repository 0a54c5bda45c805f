package io.inkstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator against a real HTTP/1.1 server (the JDK's), answering as the gateway does. */
class UploadDriverTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void sendsEveryUploadOnTheScheduleOverFewConnectionsAndReadsTheIdsTheGatewayGave() throws Exception {
        AtomicInteger counter = new AtomicInteger();
        Queue<String> bodies = new ConcurrentLinkedQueue<>();
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        start(exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1) + "|" + exchange.getRequestURI());
            clientPorts.add(exchange.getRemoteAddress().getPort());
            String id = "img-" + counter.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "/api/images/" + id);
            answer(exchange, 202, "{\"images\":[{\"id\":\"" + id + "\"}]}");
        });

        long started = System.nanoTime();
        List<UploadDriver.Result> results;
        try (UploadDriver driver = driver(Duration.ofSeconds(5))) {
            results = driver.run(200, 300, i -> upload(i));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(results).hasSize(300).allSatisfy(r -> assertThat(r.status()).isEqualTo(202));
        assertThat(results.stream().map(UploadDriver.Result::id).distinct().count()).isEqualTo(300);
        assertThat(bodies).hasSize(300).contains("digit-7|/api/images?label=7");
        // 300 uploads at 200/s are due over 1.5 s: open loop, the driver neither rushes nor lags the schedule.
        assertThat(seconds).isBetween(1.45, 6.0);
        long firstDue = results.stream().mapToLong(UploadDriver.Result::dueMicros).min().orElseThrow();
        long lastDue = results.stream().mapToLong(UploadDriver.Result::dueMicros).max().orElseThrow();
        assertThat(lastDue - firstDue).isBetween(1_490_000L, 1_500_000L);
        assertThat(clientPorts.size()).as("keep-alive connections opened").isLessThan(100);
    }

    @Test
    void countsARefusalAndAMissingAnswerWithoutStopping() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger counter = new AtomicInteger();
        start(exchange -> {
            exchange.getRequestBody().readAllBytes();
            int n = counter.incrementAndGet();
            if (n == 2) {
                answer(exchange, 503, "{\"error\":\"broker-unavailable\"}");
            } else if (n == 3) {
                try {
                    hold.await(); // never answers: the driver's timeout must end it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                answer(exchange, 202, "{\"images\":[{\"id\":\"body-id-" + n + "\"}]}");
            }
        });
        try {
            List<UploadDriver.Result> results;
            try (UploadDriver driver = driver(Duration.ofMillis(800))) {
                results = driver.run(50, 6, i -> upload(i));
            }

            assertThat(results).hasSize(6);
            assertThat(results).filteredOn(r -> r.status() == 503).hasSize(1).allSatisfy(r -> assertThat(r.id()).isNull());
            assertThat(results).filteredOn(r -> r.status() == -1).hasSize(1).allSatisfy(r -> assertThat(r.id()).isNull());
            // No Location header: the id comes from the JSON body.
            assertThat(results).filteredOn(r -> r.status() == 202).hasSize(4)
                    .allSatisfy(r -> assertThat(r.id()).startsWith("body-id-"));
        } finally {
            hold.countDown();
        }
    }

    @Test
    void aGatewayThatIsNotThereIsEveryUploadRefusedNotAHang() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        List<UploadDriver.Result> results;
        try (UploadDriver driver = new UploadDriver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8, Duration.ofSeconds(2))) {
            results = driver.run(100, 20, i -> upload(i));
        }

        assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.status()).isEqualTo(-1));
    }

    private interface Handler {
        void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    private void start(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/api/images", handler::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    private UploadDriver driver(Duration timeout) {
        return new UploadDriver(server.getAddress(), 64, timeout);
    }

    private static UploadDriver.Upload upload(int i) {
        return new UploadDriver.Upload("/api/images?label=" + (i % 10), "application/x-mnist",
                ("digit-" + (i % 10)).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
