package io.inkstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAnswers200WhenHealthyAnd503WhenNot() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> new OpsServer.Health(healthy.get(), healthy.get() ? "UP" : "DOWN", Map.of("model", "seed")),
                () -> "metric_total 1.0\n")) {
            HttpResponse<String> up = get(server, "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"model\":\"seed\"}");
            assertThat(up.headers().firstValue("Content-Type")).contains("application/json");

            healthy.set(false);
            assertThat(get(server, "/health").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> new OpsServer.Health(true, "UP", Map.of()), () -> "metric_total 1.0\n")) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("metric_total 1.0\n");
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        }
    }

    @Test
    void onlyGetIsAnswered() throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> new OpsServer.Health(true, "UP", Map.of()), () -> "")) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void detailsAreEscapedWhateverTheyHold() throws Exception {
        // A model version is whatever its publisher wrote: quotes, backslashes and newlines stay inside their string.
        String version = "v\"1\\\n\",\"status\":\"UP";
        OpsServer.Health health = new OpsServer.Health(false, "DOWN", Map.of("model", version));
        JsonNode body = new ObjectMapper().readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("model").asText()).isEqualTo(version);
        assertThat(body.size()).isEqualTo(2);
        assertThat(health.summary()).isEqualTo("{\"status\":\"DOWN\"}");
    }

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
