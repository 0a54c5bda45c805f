package io.inkstream.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.Predicate;

/** What a program using the REST API does, with java.net.http: uploads (raw and multipart) and JSON answers. */
final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A part of a multipart upload. */
    record Part(String field, String filename, String contentType, byte[] bytes) {
        static Part file(String filename, byte[] bytes) {
            return new Part("file", filename, "application/octet-stream", bytes);
        }

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An answer: status, headers, and the body as JSON when it is JSON. */
    record Answer(int status, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + response.body(), e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    GatewayClient(String base) {
        this.base = base;
    }

    Answer get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    Answer get(String path) {
        return get(path, Map.of());
    }

    /** A meter's value on /metrics, its samples summed over their tags; empty when the gateway does not show it. */
    OptionalDouble metric(String name) {
        double[] values = get("/metrics").response().body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).toArray();
        return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(Arrays.stream(values).sum());
    }

    Answer postRaw(String pathAndQuery, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    Answer postMultipart(List<Part> parts, Map<String, String> headers) {
        String boundary = "inkstream-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.field() + "\"");
            if (part.filename() != null) {
                head.append("; filename=\"").append(part.filename()).append('"');
            }
            head.append("\r\n");
            if (part.contentType() != null) {
                head.append("Content-Type: ").append(part.contentType()).append("\r\n");
            }
            head.append("\r\n");
            body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return postRaw("/api/images", "multipart/form-data; boundary=" + boundary, body.toByteArray(), headers);
    }

    /** Polls {@code path} until the answer satisfies {@code done}, or fails with the last answer at the deadline. */
    Answer await(String path, Predicate<Answer> done, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        Answer last = get(path);
        while (!done.test(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no answer from " + path + " satisfied the condition within " + deadline + "; last: "
                        + last.status() + " " + last.response().body());
            }
            Thread.sleep(200);
            last = get(path);
        }
        return last;
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
