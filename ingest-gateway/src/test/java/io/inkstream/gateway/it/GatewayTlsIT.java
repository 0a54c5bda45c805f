package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.gateway.GatewayService;
import io.inkstream.gateway.http.TlsKeyStore;
import io.inkstream.gateway.it.RunningPipeline.Pipeline;
import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A gateway with a key store serves HTTPS only: the page, the API with its key, and uploads classified end to end. */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class GatewayTlsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-key";

    @Test
    void withAKeyStoreTheGatewayAnswersOnlyOverTlsWithItsCertificate(Pipeline pipeline, @TempDir Path dir) throws Exception {
        Path store = SelfSignedKeyStores.create(dir, "gateway", "store-password");
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of(KEY))
                .withTls(Optional.of(TlsKeyStore.read(store, "store-password"))))) {
            String https = "https://127.0.0.1:" + gateway.port();
            HttpClient client = HttpClient.newBuilder().sslContext(SelfSignedKeyStores.trusting(store, "store-password"))
                    .connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(https + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");
            assertThat(get(client, https + "/health", false).statusCode()).isEqualTo(200);
            assertThat(get(client, https + "/api/models", false).statusCode()).as("the key is still asked for over TLS").isEqualTo(401);

            LabelledDigits digits = BundledMnist.validation();
            HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create(https + "/api/images?label=" + digits.label(0)))
                    .header("X-Api-Key", KEY).header("Content-Type", "application/x-mnist")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(0))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = JSON.readTree(accepted.body()).get("images").get(0).get("id").asText();
            JsonNode image = Waits.until(() -> JSON.readTree(get(client, https + "/api/images/" + id, true).body()),
                    answer -> answer.path("status").asText().equals("classified"), answer -> answer, Duration.ofSeconds(90),
                    "the upload classified, asked over TLS");
            assertThat(image.get("predictions").get(0).get("label").asInt()).isEqualTo(digits.label(0));

            // The controls: plain HTTP on the same port gets no answer, and a client that trusts only the usual authorities
            // refuses the certificate (so the answers above came through TLS with the store's certificate).
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP to the HTTPS port").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(plain, https + "/health", false)).as("a client that does not trust the certificate")
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (withKey) {
            request.header("X-Api-Key", KEY);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
