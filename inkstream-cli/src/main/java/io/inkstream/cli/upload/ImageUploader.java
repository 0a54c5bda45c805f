package io.inkstream.cli.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/** A program's side of the gateway's upload API: multipart uploads, 202 or an exception with the gateway's error. */
public final class ImageUploader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image to upload and, when known, its true digit. */
    public record Image(String filename, byte[] bytes, OptionalInt label) {
    }

    /** The gateway refused or could not take an upload; {@code status} and {@code error} are its answer. */
    public static final class UploadRefusedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        UploadRefusedException(int status, String body) {
            super("the gateway answered " + status + ": " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final URI endpoint;
    private final HttpClient http;

    public ImageUploader(String gatewayUrl) {
        this.endpoint = URI.create(gatewayUrl.replaceAll("/+$", "") + "/api/images");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Uploads the images in one multipart request; returns their ids in order once the gateway answered 202. */
    public List<String> upload(List<Image> images) throws IOException, InterruptedException {
        String boundary = "inkstream-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Image image : images) {
            part(body, boundary, "Content-Disposition: form-data; name=\"file\"; filename=\"" + image.filename()
                    + "\"\r\nContent-Type: application/octet-stream", image.bytes());
        }
        if (images.stream().anyMatch(image -> image.label().isPresent())) {
            for (Image image : images) {
                String label = image.label().isPresent() ? Integer.toString(image.label().getAsInt()) : "";
                part(body, boundary, "Content-Disposition: form-data; name=\"label\"", label.getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new UploadRefusedException(response.statusCode(), response.body());
        }
        List<String> ids = new ArrayList<>(images.size());
        for (JsonNode image : JSON.readTree(response.body()).get("images")) {
            ids.add(image.get("id").asText());
        }
        return ids;
    }

    private static void part(ByteArrayOutputStream body, String boundary, String headers, byte[] content) {
        body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
}
