package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.gateway.guard.TrustedProxies;
import io.inkstream.gateway.http.ApiKeys;
import io.inkstream.gateway.http.EventStreams;
import io.inkstream.gateway.http.GatewayApp;
import io.inkstream.gateway.it.GatewayClient.Answer;
import io.inkstream.gateway.it.RunningPipeline.Pipeline;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's edge, played as the clients it is there to stop: a flood, another site's page, a rebound name, a crowd of large uploads. */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class GatewayEdgeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Pipeline pipeline;
    private static LabelledDigits digits;

    @BeforeAll
    static void start(Pipeline running) {
        pipeline = running;
        digits = BundledMnist.validation();
    }

    @Test
    void aClientOverItsRateIsAnswered429WithRetryAfterWhileAnotherAddressIsServed() throws Exception {
        try (GatewayService limited = GatewayService.start(pipeline.gatewayConfig().withRateLimit(1))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + limited.port());
            List<Integer> statuses = new ArrayList<>();
            Answer last = null;
            for (int i = 0; i < 10 && (last == null || last.status() != 429); i++) {
                last = client.get("/api/models");
                statuses.add(last.status());
            }
            assertThat(statuses).as("one request a second: the second of a quick run is refused").startsWith(200).endsWith(429);
            assertThat(last.header("Retry-After")).isEqualTo("1");
            assertThat(last.json().get("error").asText()).isEqualTo("rate-limited");

            RawHttp.Response other = RawHttp.connect(limited.port(), "127.0.0.2")
                    .send("GET", "/api/models", Map.of("Host", "127.0.0.1:" + limited.port()), new byte[0]).response();
            assertThat(other.status()).as("127.0.0.2 has its own bucket: %s", other.body()).isEqualTo(200);
            assertThat(client.get("/metrics").response().body()).contains("inkstream_gateway_requests_refused_total{reason=\"rate-limited\"}");
        }
        try (GatewayService unlimited = GatewayService.start(pipeline.gatewayConfig().withRateLimit(0))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + unlimited.port());
            for (int i = 0; i < 10; i++) {
                assertThat(client.get("/api/models").status()).as("the control: no limit, request %d", i + 1).isEqualTo(200);
            }
        }
    }

    /**
     * A page of 3,000 x 3,000 pixels is a few kilobytes of PNG and 9 megapixels for the classifier to decode: a client is
     * charged its images' pixels, at 2 megapixels a second here (10 at once), so the second such page in a row is refused
     * before anything is published, while a raw digit of the same client and another client's page go through.
     */
    @Test
    void aClientIsChargedThePixelsItsImagesTakeToDecodeAndRefusedBeyondItsRate() throws Exception {
        byte[] page = blankPagePng(3000);
        assertThat(page.length).as("a few KB on the wire").isLessThan(100_000);
        try (GatewayService limited = GatewayService.start(pipeline.gatewayConfig().withDecodingRate(2))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + limited.port());
            assertThat(client.postRaw("/api/images", "image/png", page, Map.of()).status()).as("the first page").isEqualTo(202);
            Answer second = client.postRaw("/api/images", "image/png", page, Map.of());
            assertThat(second.status()).as(second.response().body()).isEqualTo(429);
            assertThat(second.json().get("error").asText()).isEqualTo("decoding-rate-limited");
            assertThat(second.json().get("detail").asText()).contains("uploads from 127.0.0.1", "this upload: 9.0 megapixels");
            assertThat(Integer.parseInt(second.header("Retry-After"))).as("8 MP short at 2 a second").isBetween(3, 4);
            assertThat(client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(7), Map.of()).status())
                    .as("a raw digit, 784 pixels, from the same client").isEqualTo(202);
            try (RawHttp http = RawHttp.connect(limited.port(), "127.0.0.3")) {
                RawHttp.Response other = http.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + limited.port(),
                        "Content-Type", "image/png", "Content-Length", Integer.toString(page.length)), page).response();
                assertThat(other.status()).as("127.0.0.3 has its own: %s", other.body()).isEqualTo(202);
            }
            assertThat(client.get("/metrics").response().body())
                    .contains("inkstream_gateway_requests_refused_total{reason=\"decoding-rate-limited\"}");
        }
        // A retry with the same Idempotency-Key of a page already published costs the classifier nothing: answered as
        // before, not charged, while a new page at once is refused (the bucket is empty: the control).
        try (GatewayService limited = GatewayService.start(pipeline.gatewayConfig().withDecodingRate(2))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + limited.port());
            Map<String, String> key = Map.of("Idempotency-Key", "page-" + UUID.randomUUID());
            Answer first = client.postRaw("/api/images", "image/png", page, key);
            assertThat(first.status()).as("the page").isEqualTo(202);
            for (int retry = 1; retry <= 3; retry++) {
                Answer again = client.postRaw("/api/images", "image/png", page, key);
                assertThat(again.status()).as("retry %d: %s", retry, again.response().body()).isEqualTo(202);
                assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
                assertThat(again.json()).isEqualTo(first.json());
            }
            Answer another = client.postRaw("/api/images", "image/png", page, Map.of("Idempotency-Key", "page-" + UUID.randomUUID()));
            assertThat(another.status()).as("a new page: %s", another.response().body()).isEqualTo(429);
        }
        // The control: the limit off, the same client's pages are all accepted.
        try (GatewayService unlimited = GatewayService.start(pipeline.gatewayConfig().withDecodingRate(0))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + unlimited.port());
            for (int i = 0; i < 3; i++) {
                assertThat(client.postRaw("/api/images", "image/png", page, Map.of()).status()).as("page %d", i + 1).isEqualTo(202);
            }
        }
    }

    /**
     * A crowd of addresses, each under its own decoding rate, is bounded by the rate for all clients together: at 2
     * megapixels a second in all (10 at once), one client's 9 MP page goes, another client's page at once is refused 503
     * {@code decoding-busy}, and a raw digit still goes. The control: the rate in all off, the other client's page goes.
     */
    @Test
    void clientsTogetherAreChargedTheirPixelsAndRefusedBeyondTheRateInAll() throws Exception {
        byte[] page = blankPagePng(3000);
        for (boolean inAll : new boolean[] {true, false}) {
            try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withDecodingRateInAll(inAll ? 2 : 0))) {
                GatewayClient client = new GatewayClient("http://127.0.0.1:" + gateway.port());
                assertThat(client.postRaw("/api/images", "image/png", page, Map.of()).status()).as("127.0.0.1's page").isEqualTo(202);
                try (RawHttp http = RawHttp.connect(gateway.port(), "127.0.0.3")) {
                    RawHttp.Response other = http.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + gateway.port(),
                            "Content-Type", "image/png", "Content-Length", Integer.toString(page.length)), page).response();
                    if (!inAll) {
                        assertThat(other.status()).as("the control, 127.0.0.3's page: %s", other.body()).isEqualTo(202);
                        continue;
                    }
                    assertThat(other.status()).as("127.0.0.3's page: %s", other.body()).isEqualTo(503);
                    assertThat(other.body()).contains("\"error\":\"decoding-busy\"", "all clients together", "this upload: 9.0 megapixels");
                    assertThat(Integer.parseInt(other.headers().get("retry-after"))).as("8 MP short at 2 a second").isBetween(3, 4);
                }
                assertThat(client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(7), Map.of()).status())
                        .as("a raw digit, 784 pixels").isEqualTo(202);
                assertThat(client.get("/metrics").response().body())
                        .contains("inkstream_gateway_requests_refused_total{reason=\"decoding-busy\"}");
            }
        }
    }

    /**
     * Behind a proxy every connection comes from the proxy, and all its visitors shared one client's rate, upload memory,
     * bodies and event streams. A proxy named in {@code INKSTREAM_GATEWAY_TRUSTED_PROXIES} is believed about whom it
     * forwarded for; anyone else's {@code X-Forwarded-For} is ignored, so no client can claim another's address.
     */
    @Test
    void aTrustedProxysVisitorsHaveTheirOwnLimitsAndNoOneElseCanClaimAnAddress() throws Exception {
        GatewayConfig behindProxy = pipeline.gatewayConfig().withRateLimit(1).withTrustedProxies(TrustedProxies.parse("127.0.0.9"));
        try (GatewayService gateway = GatewayService.start(behindProxy)) {
            int port = gateway.port();
            RawHttp.Response refused = untilRefused(port, "127.0.0.9", "203.0.113.5", "203.0.113.5");
            assertThat(refused.body()).contains("too many requests from 203.0.113.5");
            assertThat(modelsFrom(port, "127.0.0.9", "203.0.113.6").status()).as("another visitor through the proxy").isEqualTo(200);

            // Not through the trusted proxy: the header is the client's own text, and its address counts.
            RawHttp.Response spoofed = untilRefused(port, "127.0.0.10", "203.0.113.7", "203.0.113.8");
            assertThat(spoofed.body()).contains("too many requests from 127.0.0.10");

            // An IPv6 visitor is its /64: a new address of it for every request is still the same client.
            List<Integer> statuses = new ArrayList<>();
            for (int host = 1; host <= 10 && !statuses.contains(429); host++) {
                RawHttp.Response next = modelsFrom(port, "127.0.0.9", "2001:db8:1:2::" + Integer.toHexString(host));
                statuses.add(next.status());
                if (next.status() == 429) {
                    assertThat(next.body()).contains("too many requests from 2001:db8:1:2::/64");
                }
            }
            assertThat(statuses).as("one request a second from a new address of 2001:db8:1:2::/64 each time").contains(429);
        }
        // The control: the proxy not trusted, its visitors share its one bucket.
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withRateLimit(1))) {
            RawHttp.Response shared = untilRefused(gateway.port(), "127.0.0.9", "203.0.113.5", "203.0.113.6");
            assertThat(shared.body()).contains("too many requests from 127.0.0.9");
        }
    }

    /** {@code GET /api/models} from {@code from}, first forwarded for {@code first}, then for {@code then} until refused 429. */
    private static RawHttp.Response untilRefused(int port, String from, String first, String then) {
        assertThat(modelsFrom(port, from, first).status()).as("the first request from %s for %s", from, first).isEqualTo(200);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RawHttp.Response next = modelsFrom(port, from, then);
            statuses.add(next.status());
            if (next.status() == 429) {
                return next;
            }
        }
        throw new AssertionError("from " + from + " for " + then + ", one request a second: no 429 in " + statuses);
    }

    private static RawHttp.Response modelsFrom(int port, String from, String forwardedFor) {
        try (RawHttp http = RawHttp.connect(port, from)) {
            return http.send("GET", "/api/models", Map.of("Host", "127.0.0.1:" + port, "X-Forwarded-For", forwardedFor), new byte[0])
                    .response();
        }
    }

    @Test
    void anotherSitesPageCannotUploadOrReadThroughAVisitorsBrowser() {
        GatewayClient client = new GatewayClient(pipeline.url(""));
        byte[] image = digits.images().imageBytes(3);
        Answer foreign = client.postRaw("/api/images", "application/x-mnist", image, Map.of("Origin", "https://evil.example"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().get("error").asText()).isEqualTo("origin-not-allowed");
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(client.get("/api/models", Map.of("Origin", "https://evil.example")).status()).isEqualTo(403);

        String own = "http://127.0.0.1:" + pipeline.gateway().port();
        assertThat(client.postRaw("/api/images", "application/x-mnist", image, Map.of("Origin", own)).status())
                .as("the gateway's own page, which names its origin on every POST").isEqualTo(202);

        RawHttp.Response rebound = RawHttp.connect(pipeline.gateway().port(), "127.0.0.1")
                .send("GET", "/api/models", Map.of("Host", "rebound.evil.example:" + pipeline.gateway().port(),
                        "Origin", "http://rebound.evil.example:" + pipeline.gateway().port()), new byte[0]).response();
        assertThat(rebound.status()).as("a name re-pointed at 127.0.0.1: %s", rebound.body()).isEqualTo(403);
        assertThat(rebound.body()).contains("origin-not-allowed").contains("loopback");
    }

    /**
     * Another site could frame the page and have a visitor click "right" or "wrong" (labels that train the next model): every
     * answer, the page's, its script's and the API's, refusals too, forbids framing and type sniffing and allows only the
     * page's own script. GatewayPageBrowserIT shows the page works under that policy.
     */
    @Test
    void everyAnswerForbidsFramingSniffingAndOtherSitesScripts() {
        GatewayClient client = new GatewayClient(pipeline.url(""));
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("page", client.get("/"));
        answers.put("script", client.get("/app.js"));
        answers.put("api", client.get("/api/models"));
        answers.put("unknown endpoint", client.get("/api/no-such-endpoint"));
        answers.put("refused origin", client.get("/api/models", Map.of("Origin", "https://evil.example")));
        assertThat(answers).extractingFromEntries(entry -> entry.getKey() + " " + entry.getValue().status())
                .containsExactly("page 200", "script 200", "api 200", "unknown endpoint 404", "refused origin 403");
        answers.forEach((what, answer) -> {
            assertThat(answer.header("Content-Security-Policy")).as(what).isEqualTo(GatewayApp.CONTENT_SECURITY_POLICY)
                    .contains("frame-ancestors 'none'").contains("default-src 'self'").doesNotContain("unsafe");
            assertThat(answer.header("X-Frame-Options")).as(what).isEqualToIgnoringCase("DENY");
            assertThat(answer.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
            assertThat(answer.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
            // Over plain HTTP a browser ignores it, and a gateway behind a TLS proxy leaves it to the proxy (GatewayTlsIT sets it).
            assertThat(answer.header("Strict-Transport-Security")).as(what).isNull();
        });
    }

    @Test
    void aConfiguredOriginGetsCorsHeadersAndItsPreflightAnswered() {
        try (GatewayService open = GatewayService.start(pipeline.gatewayConfig().withCorsOrigins(List.of("https://app.example.com")))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + open.port());
            RawHttp.Response preflight = RawHttp.connect(open.port(), "127.0.0.1").send("OPTIONS", "/api/images",
                    Map.of("Host", "127.0.0.1:" + open.port(), "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
                            "Access-Control-Request-Headers", "idempotency-key, content-type"), new byte[0]).response();
            assertThat(preflight.status()).isEqualTo(204);
            assertThat(preflight.headers()).containsEntry("access-control-allow-origin", "https://app.example.com");
            assertThat(preflight.headers().get("access-control-allow-methods")).contains("POST");
            assertThat(preflight.headers().get("access-control-allow-headers")).contains("Idempotency-Key").contains("Content-Type");

            Answer read = client.get("/api/models", Map.of("Origin", "https://app.example.com"));
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
            assertThat(read.header("Access-Control-Expose-Headers")).contains("Location");
            assertThat(client.get("/api/models", Map.of("Origin", "https://other.example.com")).status())
                    .as("an origin not configured").isEqualTo(403);
        }
    }

    @Test
    void withAKeyMetricsNeedItAndHealthTellsOnlyItsStatusWithoutIt() throws Exception {
        try (GatewayService guarded = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of("s3cret-key")))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + guarded.port());
            Answer probe = client.get("/health");
            assertThat(probe.status()).isEqualTo(200);
            assertThat(fields(probe.json())).as("a probe without the key learns the status only").containsExactly("status");
            assertThat(probe.json().get("status").asText()).isEqualTo("UP");
            Answer detailed = client.get("/health", Map.of("X-Api-Key", "s3cret-key"));
            assertThat(fields(detailed.json())).contains("status", "kafka", "cassandra", "activeModel");

            Answer metrics = client.get("/metrics");
            assertThat(metrics.status()).isEqualTo(401);
            assertThat(metrics.json().get("error").asText()).isEqualTo("unauthorized");
            assertThat(client.get("/metrics", Map.of("X-Api-Key", "s3cret-key")).response().body()).contains("jvm_memory_used_bytes");
        }
        GatewayClient open = new GatewayClient(pipeline.url(""));
        assertThat(fields(open.get("/health").json())).as("the control: without a key set, details for all").contains("kafka");
        assertThat(open.get("/metrics").status()).isEqualTo(200);
    }

    /** A key rotated without a restart: the new one added to the file, the clients moved, the old one removed. */
    @Test
    void keysFromAFileAreRotatedWithoutARestartAndAFileThatCannotServeIsNotTaken(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), "# the gateway's keys\nfirst-key-0123456789\n");
        try (GatewayService guarded = GatewayService.start(pipeline.gatewayConfig().withApiKeys(Optional.of(ApiKeys.read(file))))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + guarded.port());
            Supplier<Answer> withFirst = () -> client.get("/api/models", Map.of("X-Api-Key", "first-key-0123456789"));
            Supplier<Answer> withSecond = () -> client.get("/api/models", Map.of("Authorization", "Bearer second-key-9876543210"));
            assertThat(withFirst.get().status()).isEqualTo(200);
            assertThat(withSecond.get().status()).as("the control: a key not yet in the file").isEqualTo(401);
            assertThat(client.get("/api/models", Map.of("X-Api-Key", "# the gateway's keys")).status()).as("a comment is no key")
                    .isEqualTo(401);

            replace(file, "first-key-0123456789\nsecond-key-9876543210\n");
            awaitStatus(withSecond, 200, "the second key, added");
            assertThat(withFirst.get().status()).as("both keys while the clients move").isEqualTo(200);
            replace(file, "second-key-9876543210\n");
            awaitStatus(withFirst, 401, "the first key, removed");
            assertThat(withSecond.get().status()).isEqualTo(200);

            replace(file, "# every key removed by mistake\n");
            awaitMetric(client, "inkstream_gateway_api_keys_renewals_total{outcome=\"refused\"}", 1);
            replace(file, "second-key-9876543210\nnot a key: spaces\nthird-key-5555555555\n");
            awaitMetric(client, "inkstream_gateway_api_keys_renewals_total{outcome=\"refused\"}", 2);
            assertThat(withSecond.get().status()).as("files that cannot serve are not taken: the keys in use are").isEqualTo(200);
            assertThat(client.get("/api/models", Map.of("X-Api-Key", "third-key-5555555555")).status())
                    .as("nothing of a refused file is taken").isEqualTo(401);
            assertThat(client.get("/metrics", Map.of("X-Api-Key", "second-key-9876543210")).response().body())
                    .contains("inkstream_gateway_api_keys 1.0").contains("inkstream_gateway_api_keys_renewals_total{outcome=\"renewed\"} 2.0")
                    .as("no client certificate to Cassandra here, so no expiry (SecuredPipelineIT has one)")
                    .doesNotContain("inkstream_cassandra_client_certificate_expiry");
        }
    }

    @Test
    void whenUploadsHoldTheWholeBudgetTheNextIsAnswered503AtOnceAndServedOnceRoomIsBack() throws Exception {
        int cap = 1 << 20; // the default image cap, a whole number of KiB: the budget below holds one upload at the cap exactly
        try (GatewayService small = GatewayService.start(pipeline.gatewayConfig().withUploadMemory(cap))) {
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + small.port());
            byte[] body = new byte[cap];
            new Random(7).nextBytes(body);
            try (RawHttp slow = RawHttp.connect(small.port(), "127.0.0.1")) {
                slow.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + small.port(), "Content-Type", "application/octet-stream",
                        "Content-Length", Integer.toString(cap)), Arrays.copyOf(body, 64 * 1024));
                // Small uploads only once the slow one holds the budget: sent sooner, one of them could hold a few KiB just when
                // the slow one asks for all of it, and the slow one would be the upload answered 503.
                awaitHeld(client, cap);

                Answer busy = awaitStatus(() -> client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(4), Map.of()),
                        503, "a small upload while a slow one holds the budget");
                assertThat(busy.json().get("error").asText()).isEqualTo("uploads-busy");
                assertThat(busy.header("Retry-After")).isEqualTo("1");

                slow.write(Arrays.copyOfRange(body, 64 * 1024, cap)); // 64 KiB keep it above the minimum body rate for 256 s
                RawHttp.Response refused = slow.response();
                assertThat(refused.status()).as("random bytes are no image: %s", refused.body()).isEqualTo(415);
            }
            assertThat(client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(4), Map.of()).status())
                    .as("the slow upload answered, its room is back").isEqualTo(202);
            assertThat(client.get("/metrics").response().body()).contains("inkstream_gateway_requests_refused_total{reason=\"uploads-busy\"}");
        }
    }

    /**
     * A client that opens connections and sends no body, or a byte now and then, held a server thread each: 260 of them
     * from one address took every thread, and the gateway answered no one, {@code /health} included. Now an address may be
     * sending {@value GatewayApp#BODIES_PER_CLIENT} bodies at once (the next is answered 429 at once), and a body slower
     * than 256 B/s is cut off (408).
     */
    @Test
    void aClientSendingBodiesSlowlyHoldsOnlyItsShareAndATrickleIsCutOff() throws Exception {
        int port = pipeline.gateway().port();
        GatewayClient client = new GatewayClient("http://127.0.0.1:" + port);
        Map<String, String> head = Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/x-mnist", "Content-Length", "784");
        List<RawHttp> slow = new ArrayList<>();
        try {
            int beyond = 4;
            for (int i = 0; i < GatewayApp.BODIES_PER_CLIENT + beyond; i++) {
                slow.add(RawHttp.connect(port, "127.0.0.3").send("POST", "/api/images", head, new byte[0]));
            }
            // The connections beyond its share are answered at once; the others hold its share, unanswered. Waited for, so
            // that the upload below is not sent before the gateway has read their heads.
            Waits.until(() -> slow.stream().filter(RawHttp::answered).count(), answered -> answered == beyond, answered -> answered,
                    WAIT, "the slow connections beyond the share answered, the others held");
            for (RawHttp answered : slow.stream().filter(RawHttp::answered).toList()) {
                RawHttp.Response beyondShare = answered.response();
                assertThat(beyondShare.status()).as(beyondShare.body()).isEqualTo(429);
            }
            // Its share held, the same address's next upload is refused at once, whole as it is; others are served.
            RawHttp.Response refused = awaitUpload(port, "127.0.0.3", 429, "127.0.0.3's upload while it holds its share");
            assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("bodies-in-progress");
            assertThat(refused.headers().get("retry-after")).isEqualTo("1");
            assertThat(client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(5), Map.of()).status())
                    .as("another address is served").isEqualTo(202);
            assertThat(client.get("/health").status()).isEqualTo(200);

            // A body trickled a byte a second is cut off at once, not kept for as long as bytes keep coming.
            try (RawHttp trickle = RawHttp.connect(port, "127.0.0.4").send("POST", "/api/images", head, new byte[1])) {
                Thread.sleep(1500);
                RawHttp.Response cut = trickle.write(new byte[1]).response();
                assertThat(cut.status()).as(cut.body()).isEqualTo(408);
                assertThat(JSON.readTree(cut.body()).get("error").asText()).isEqualTo("body-too-slow");
            }
        } finally {
            slow.forEach(RawHttp::close);
        }
        // The control: its connections closed, the address is served again.
        awaitUpload(port, "127.0.0.3", 202, "127.0.0.3's upload once its connections are closed");
    }

    /**
     * An upload is answered by the thread that completes its publishing, the Kafka producer's own: were that write to wait
     * for a client, every upload would wait behind it. A client pipelines uploads on one connection with a receive buffer
     * as small as the kernel allows and reads none of the answers, until the gateway stops reading from it (its answers
     * fill both buffers): another address's upload is accepted all the same, while that connection is still stalled.
     */
    @Test
    void aClientThatReadsNoneOfItsAnswersHoldsUpNoOtherUpload() throws Exception {
        int port = pipeline.gateway().port();
        byte[] head = ("POST /api/images HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/x-mnist\r\n"
                + "Content-Length: 784\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] upload = new byte[head.length + 784];
        System.arraycopy(head, 0, upload, 0, head.length);
        System.arraycopy(digits.images().imageBytes(7), 0, upload, head.length, 784);
        AtomicLong sent = new AtomicLong();
        try (Socket unread = new Socket()) {
            unread.setReceiveBufferSize(1024);
            unread.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.11"), 0));
            unread.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = unread.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        out.write(upload);
                        sent.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the socket closed at the test's end
                }
            }, "unread-uploads");
            writer.setDaemon(true);
            writer.start();
            // Stalled: no upload could be written for 3 s, the gateway no longer reading from the connection.
            long stalledAt = Waits.until(() -> {
                long before = sent.get();
                Thread.sleep(3_000);
                return sent.get() == before ? before : -1;
            }, count -> count > 0, count -> "uploads written " + sent.get(), WAIT, "the unread connection stalled");
            assertThat(writer.isAlive()).as("stalled in a write, the connection open, not closed by the gateway").isTrue();

            ExecutorService another = Executors.newSingleThreadExecutor();
            try {
                Future<RawHttp.Response> other = another.submit(() -> {
                    try (RawHttp next = RawHttp.connect(port, "127.0.0.12")) {
                        return next.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + port, "Content-Type",
                                "application/x-mnist", "Content-Length", "784"), digits.images().imageBytes(5)).response();
                    }
                });
                // Well inside the 30 s after which Jetty closes the stalled connection, which would free a blocked thread too.
                // The control, run by hand: an answer written with a blocking write of 4 MiB leaves this one unanswered.
                assertThat(other).as("another address's upload while the unread connection is stalled")
                        .succeedsWithin(Duration.ofSeconds(10)).extracting(RawHttp.Response::status).isEqualTo(202);
            } finally {
                another.shutdownNow();
            }
            assertThat(sent.get()).as("the control: the unread connection still stalled (%d uploads written)", stalledAt)
                    .isEqualTo(stalledAt);
            assertThat(writer.isAlive()).isTrue();
        }
    }

    /**
     * Jetty checks a body's minimum rate only as bytes arrive: a body that sent one byte and then nothing held its slot and
     * its thread until the connection's 30 s idle timeout. While a body is read, 10 s without a byte ends it, 408
     * {@code body-too-slow}.
     */
    @Test
    void aBodyThatStopsIsCutOffAfterItsSilenceNotAtTheConnectionsIdleTimeout() throws Exception {
        int port = pipeline.gateway().port();
        Map<String, String> head = Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/x-mnist", "Content-Length", "784");
        try (RawHttp stopped = RawHttp.connect(port, "127.0.0.8").send("POST", "/api/images", head, new byte[1])) {
            // Between the 10 s of silence and Jetty's 30 s idle timeout: the control, without the silence rule, is answered at 30 s.
            Waits.until(stopped::answered, answered -> answered, answered -> answered, Duration.ofSeconds(22),
                    "an answer to a body that stopped after its first byte");
            RawHttp.Response cut = stopped.response();
            assertThat(cut.status()).as(cut.body()).isEqualTo(408);
            assertThat(JSON.readTree(cut.body()).get("error").asText()).isEqualTo("body-too-slow");
        }
    }

    /**
     * With only a share per address, 17 addresses each sending 16 bodies a byte at a time (272 connections) would hold all
     * 250 of Jetty's threads, and the gateway would answer no one. All clients together may be sending at most
     * {@link GatewayApp#BODIES_IN_ALL} bodies: beyond, 503 {@code bodies-busy} at once, and reads and {@code /health} are
     * served while the slow ones are still held.
     */
    @Test
    void clientsTogetherHoldAtMostTheirBoundOfThreadsAndReadsAndHealthAreServed() throws Exception {
        int port = pipeline.gateway().port();
        GatewayClient client = new GatewayClient("http://127.0.0.1:" + port);
        Map<String, String> head = Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/x-mnist", "Content-Length", "784");
        int addresses = GatewayApp.BODIES_IN_ALL / GatewayApp.BODIES_PER_CLIENT + 6;
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int address = 1; address <= addresses; address++) {
                for (int i = 0; i < GatewayApp.BODIES_PER_CLIENT; i++) {
                    slow.add(RawHttp.connect(port, "127.0.1." + address).send("POST", "/api/images", head, new byte[0]));
                }
            }
            RawHttp.Response busy = awaitUpload(port, "127.0.0.5", 503, "another address's upload while every slot is held");
            assertThat(JSON.readTree(busy.body()).get("error").asText()).isEqualTo("bodies-busy");
            assertThat(busy.headers().get("retry-after")).isEqualTo("1");
            assertThat(client.get("/health").status()).isEqualTo(200);
            assertThat(client.get("/api/models").status()).isEqualTo(200);
            // Served while the slow ones are held (Jetty's idle timeout would free them after 30 s): every slot is still held by
            // a connection that has had no answer, and only those beyond the bound were answered.
            int refused = slow.size() - GatewayApp.BODIES_IN_ALL;
            Waits.until(() -> slow.stream().filter(RawHttp::answered).count(), answered -> answered >= refused, answered -> answered,
                    WAIT, "the slow connections beyond the bound answered");
            assertThat(slow.stream().filter(http -> !http.answered()).count()).as("slow connections held, unanswered")
                    .isEqualTo(GatewayApp.BODIES_IN_ALL);
            assertThat(client.metric("inkstream_gateway_bodies_receiving")).isEqualTo(OptionalDouble.of(GatewayApp.BODIES_IN_ALL));
        } finally {
            slow.forEach(RawHttp::close);
        }
        // The control: the connections closed, uploads are served again.
        Waits.until(() -> client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(5), Map.of()).status(),
                status -> status == 202, status -> status, WAIT, "an upload once the slow connections are closed");
    }

    /**
     * One address opening event streams held all {@link EventStreams#MAX_STREAMS} of them, and every other visitor's page
     * was refused its stream. An address may hold {@link EventStreams#STREAMS_PER_CLIENT}: the next is answered 429
     * {@code streams-open}, and another address still gets one.
     */
    @Test
    void aClientHoldsAtMostItsShareOfTheEventStreams() throws Exception {
        int port = pipeline.gateway().port();
        Map<String, String> head = Map.of("Host", "127.0.0.1:" + port, "Accept", "text/event-stream");
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < EventStreams.STREAMS_PER_CLIENT; i++) {
                RawHttp stream = RawHttp.connect(port, "127.0.0.6").send("GET", "/api/events", head, new byte[0]);
                open.add(stream);
                assertThat(stream.head().status()).as("stream %d of 127.0.0.6", i).isEqualTo(200);
            }
            try (RawHttp next = RawHttp.connect(port, "127.0.0.6").send("GET", "/api/events", head, new byte[0])) {
                RawHttp.Response answer = next.head(); // a stream's body does not end: its head first
                assertThat(answer.status()).as("the next stream of 127.0.0.6").isEqualTo(429);
                assertThat(JSON.readTree(next.body(answer).body()).get("error").asText()).isEqualTo("streams-open");
            }
            try (RawHttp other = RawHttp.connect(port, "127.0.0.7")) {
                assertThat(other.send("GET", "/api/events", head, new byte[0]).head().status()).as("another address's stream")
                        .isEqualTo(200);
            }
        } finally {
            open.forEach(RawHttp::close);
        }
        // The control: its streams closed (the gateway sees it at its next write, a heartbeat at the latest), it gets one again.
        RawHttp.Response again = Waits.until(() -> {
            RawHttp stream = RawHttp.connect(port, "127.0.0.6").send("GET", "/api/events", head, new byte[0]);
            RawHttp.Response answer = stream.head();
            stream.close();
            return answer;
        }, answer -> answer.status() == 200, RawHttp.Response::status, Duration.ofSeconds(60), "127.0.0.6's stream once its others closed");
        assertThat(again.headers().get("content-type")).startsWith("text/event-stream");
    }

    /**
     * Slow requests from one address could hold the whole upload budget, and every other client's upload was answered
     * {@code uploads-busy} for as long as they pleased. A client's share is half the budget, or one upload of the largest
     * kind if that is more.
     */
    @Test
    void aClientHoldsAtMostItsShareOfTheUploadBudget() throws Exception {
        long budget = 80L << 20; // its half, 40 MiB, holds one largest request (32 images: 34 MiB) and not two
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withUploadMemory(budget))) {
            int port = gateway.port();
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + port);
            Map<String, String> largest = Map.of("Host", "127.0.0.1:" + port, "Content-Type", "multipart/form-data; boundary=x",
                    "Content-Length", Long.toString(pipeline.gatewayConfig().maxRequestBytes() - 1024));
            try (RawHttp first = RawHttp.connect(port, "127.0.0.5").send("POST", "/api/images", largest, new byte[0])) {
                awaitHeld(client, pipeline.gatewayConfig().maxRequestBytes() - 1024);
                try (RawHttp second = RawHttp.connect(port, "127.0.0.5")) {
                    RawHttp.Response refused = second.send("POST", "/api/images", largest, new byte[0]).response();
                    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                    assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("uploads-in-progress");
                }
                assertThat(client.postRaw("/api/images", "application/x-mnist", digits.images().imageBytes(6), Map.of()).status())
                        .as("another client finds room").isEqualTo(202);
            }
        }
    }

    @Test
    void aLargePartWaitsInTheSpoolOnDiskNotInMemoryAndNothingIsLeftAfter() throws Exception {
        Path spool = pipeline.gateway().spool();
        byte[] png = noisePng(400); // about 480 KB: under the 1 MiB cap, far over what stays in memory
        String boundary = "edge-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        int port = pipeline.gateway().port();
        try (RawHttp upload = RawHttp.connect(port, "127.0.0.1")) {
            upload.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + port, "Content-Type", "multipart/form-data; boundary=" + boundary,
                    "Content-Length", Integer.toString(head.length + png.length + tail.length)), head);
            upload.write(Arrays.copyOf(png, 200 * 1024));
            Waits.until(() -> spooled(spool), largest -> largest >= 64 * 1024, largest -> largest + " bytes", WAIT,
                    "a part over 64 KiB in " + spool);
            upload.write(Arrays.copyOfRange(png, 200 * 1024, png.length));
            upload.write(tail);
            RawHttp.Response accepted = upload.response();
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(JSON.readTree(accepted.body()).get("images").get(0).get("bytes").asInt()).isEqualTo(png.length);
        }
        awaitEmpty(spool);

        byte[] huge = new byte[5 << 20];
        new Random(11).nextBytes(huge);
        Answer tooLarge = new GatewayClient(pipeline.url("")).postMultipart(List.of(GatewayClient.Part.file("huge.bin", huge)), Map.of());
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("error").asText()).isEqualTo("too-large");
        awaitEmpty(spool);
    }

    @Test
    void anUploadDeclaringMoreThanARequestMayCarryIsRefusedOnItsHeaders() {
        int port = pipeline.gateway().port();
        try (RawHttp upload = RawHttp.connect(port, "127.0.0.1")) {
            // 40 MiB declared, nothing sent: the answer comes without the gateway waiting for a byte of it.
            RawHttp.Response refused = upload.send("POST", "/api/images", Map.of("Host", "127.0.0.1:" + port,
                    "Content-Type", "multipart/form-data; boundary=x", "Content-Length", Integer.toString(40 << 20)), new byte[0]).response();
            assertThat(refused.status()).as(refused.body()).isEqualTo(413);
            assertThat(refused.body()).contains("too-large");
        }
    }

    /**
     * What Jetty refuses before the API sees it is answered in JSON as every refusal, not with Jetty's HTML page, and
     * counted as a refusal at the edge.
     */
    @Test
    void aRequestTheServerCannotReadIsAnsweredWithAJsonError() throws Exception {
        int port = pipeline.gateway().port();
        String host = "127.0.0.1:" + port;
        GatewayClient gateway = new GatewayClient("http://" + host);
        Map<String, Double> countedBefore = new LinkedHashMap<>();
        for (String error : List.of("uri-too-long", "headers-too-large", "bad-request")) {
            countedBefore.put(error, gateway.metric("inkstream_gateway_requests_refused_total{reason=\"" + error + "\"}").orElse(0));
        }
        Map<String, RawHttp.Response> refused = new LinkedHashMap<>();
        try (RawHttp longUri = RawHttp.connect(port, "127.0.0.1")) {
            refused.put("uri-too-long", longUri.send("GET", "/api/images?ids=" + "a,".repeat(20_000), Map.of("Host", host), new byte[0])
                    .response());
        }
        try (RawHttp bigHeader = RawHttp.connect(port, "127.0.0.1")) {
            refused.put("headers-too-large", bigHeader.send("GET", "/api/models", Map.of("Host", host, "X-Padding", "a".repeat(40_000)),
                    new byte[0]).response());
        }
        try (RawHttp badHead = RawHttp.connect(port, "127.0.0.1")) {
            refused.put("bad-request", badHead.send("GET", "/api/models", Map.of("Host", host, "Content-Length", "twelve"), new byte[0])
                    .response());
        }
        Map<String, Integer> statuses = Map.of("uri-too-long", 414, "headers-too-large", 431, "bad-request", 400);
        for (Map.Entry<String, RawHttp.Response> answer : refused.entrySet()) {
            String error = answer.getKey();
            RawHttp.Response response = answer.getValue();
            assertThat(response.status()).as("%s: %s", error, response.body()).isEqualTo(statuses.get(error));
            assertThat(response.headers().get("content-type")).as(error).startsWith("application/json");
            assertThat(response.headers().get("x-content-type-options")).as(error).isEqualTo("nosniff");
            assertThat(response.headers().get("content-security-policy")).as(error).isEqualTo(GatewayApp.CONTENT_SECURITY_POLICY);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("error").asText()).as(response.body()).isEqualTo(error);
            assertThat(body.get("detail").asText()).as(response.body()).startsWith("the request cannot be read: ")
                    .doesNotEndWith("status " + response.status());
            assertThat(gateway.metric("inkstream_gateway_requests_refused_total{reason=\"" + error + "\"}").orElse(0))
                    .as("refusals counted as %s", error).isEqualTo(countedBefore.get(error) + 1);
        }
    }

    /**
     * Javalin reads a malformed escape in a query as an empty value and invalid UTF-8 as U+FFFD: {@code page=%zz} was answered
     * with the first page, {@code /api/images/%E9} and {@code %E8} were one image. Each is refused, and well-formed ones pass.
     */
    @Test
    void aUrlThatIsNotPercentEncodedUtf8IsRefusedNotReadAsAnotherValue() {
        int port = pipeline.gateway().port();
        Map<String, String> answers = new LinkedHashMap<>();
        for (String target : List.of("/api/predictions?limit=5&page=%zz", "/api/predictions?limit=5&page=%%%%", "/api/predictions?model=%E9",
                "/api/images?ids=a,%C0%AF", "/api/images/%E9", "/api/images/%C3%A9", "/api/predictions?limit=5&page=", "/api/images?ids=%C3%A9")) {
            try (RawHttp http = RawHttp.connect(port, "127.0.0.1")) {
                RawHttp.Response response = http.send("GET", target, Map.of("Host", "127.0.0.1:" + port), new byte[0]).response();
                JsonNode error = JSON.readTree(response.body()).get("error");
                answers.put(target, response.status() + (error == null ? "" : " " + error.asText()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(answers).containsExactly(Map.entry("/api/predictions?limit=5&page=%zz", "400 invalid-url"),
                Map.entry("/api/predictions?limit=5&page=%%%%", "400 invalid-url"), Map.entry("/api/predictions?model=%E9", "400 invalid-url"),
                Map.entry("/api/images?ids=a,%C0%AF", "400 invalid-url"), Map.entry("/api/images/%E9", "400 invalid-url"),
                Map.entry("/api/images/%C3%A9", "404 unknown-image"), // well-formed: an image nobody sent
                Map.entry("/api/predictions?limit=5&page=", "200"), Map.entry("/api/images?ids=%C3%A9", "200"));
    }

    /** A digit uploaded from {@code from}, on a new connection each time, until it is answered {@code status}. */
    private static RawHttp.Response awaitUpload(int port, String from, int status, String what) throws Exception {
        Map<String, String> head = Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/x-mnist", "Content-Length", "784");
        return Waits.until(() -> {
            try (RawHttp next = RawHttp.connect(port, from)) {
                return next.send("POST", "/api/images", head, digits.images().imageBytes(5)).response();
            }
        }, response -> response.status() == status, RawHttp.Response::status, WAIT, what);
    }

    private static Answer awaitStatus(Supplier<Answer> request, int status, String what) throws Exception {
        return Waits.until(request::get, answer -> answer.status() == status, Answer::status, WAIT, what + ": a " + status);
    }

    /** Replaces {@code file} in one rename, as an operator's tool or a secret volume does: never read half written. */
    private static void replace(Path file, String text) throws IOException {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitMetric(GatewayClient client, String series, double value) throws Exception {
        Waits.until(() -> client.get("/metrics", Map.of("X-Api-Key", "second-key-9876543210")).response().body().lines()
                        .filter(line -> line.startsWith(series + " ")).findFirst().orElse("(none)"),
                line -> line.equals(series + " " + value), line -> line, WAIT, series + " at " + value);
    }

    private static void awaitHeld(GatewayClient client, long bytes) throws Exception {
        Waits.until(() -> client.metric("inkstream_gateway_upload_bytes_held"), held -> held.isPresent() && held.getAsDouble() == bytes,
                held -> held.isPresent() ? held.getAsDouble() : "(no gauge)", WAIT, "the slow upload holding " + bytes + " bytes");
    }

    private static void awaitEmpty(Path spool) throws Exception {
        Waits.until(() -> list(spool), List::isEmpty, files -> files, WAIT, "the spool emptied");
    }

    private static long spooled(Path spool) throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.mapToLong(f -> f.toFile().length()).max().orElse(0);
        }
    }

    private static List<String> list(Path spool) throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.map(f -> f.getFileName() + " (" + f.toFile().length() + " bytes)").toList();
        }
    }

    private static List<String> fields(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A white page with one dark stroke across its middle: a few KB of PNG, side x side pixels to decode. */
    private static byte[] blankPagePng(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D pen = image.createGraphics();
        pen.setColor(java.awt.Color.WHITE);
        pen.fillRect(0, 0, side, side);
        pen.setColor(java.awt.Color.BLACK);
        pen.fillRect(side / 2 - side / 40, side / 4, side / 20, side / 2);
        pen.dispose();
        return DigitRenderer.png(image);
    }

    /** Random colours compress to nothing: a PNG of side x side x 3 bytes and a little more. */
    private static byte[] noisePng(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return DigitRenderer.png(image);
    }
}
