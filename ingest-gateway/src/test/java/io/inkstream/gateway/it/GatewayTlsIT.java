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
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with a key store serves HTTPS only: the page, the API with its key, and uploads classified end to end; plain HTTP
 * is told so; a renewed store is served without a restart.
 */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class GatewayTlsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-key";
    private static final String PASSWORD = "store-password";
    private static final String REFUSED_RENEWALS = "inkstream_gateway_certificate_renewals_total{outcome=\"refused\"}";

    @Test
    void withAKeyStoreTheGatewayAnswersOnlyOverTlsWithItsCertificate(Pipeline pipeline, @TempDir Path dir) throws Exception {
        Path store = SelfSignedKeyStores.create(dir, "gateway", PASSWORD);
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of(KEY))
                .withTls(Optional.of(TlsKeyStore.read(store, PASSWORD))))) {
            String https = "https://127.0.0.1:" + gateway.port();
            HttpClient client = HttpClient.newBuilder().sslContext(SelfSignedKeyStores.trusting(store, PASSWORD))
                    .connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(https + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");
            // Browsers keep to HTTPS for this host: on the page and the API's answers, a refusal too; not for localhost names,
            // whose rule a browser would apply to every local server (the certificate names localhost as well).
            assertThat(page.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
            assertThat(get(client, https + "/api/models", false).headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
            HttpResponse<String> local = get(client, "https://localhost:" + gateway.port() + "/health", false);
            assertThat(local.statusCode()).isEqualTo(200);
            assertThat(local.headers().firstValue("Strict-Transport-Security")).as("asked for localhost").isEmpty();
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

            // Plain HTTP on the same port is told to use HTTPS, and served nothing else: not the page, not the API.
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String path : new String[] {"/health", "/", "/api/models"}) {
                HttpResponse<String> refused = get(plain, "http://127.0.0.1:" + gateway.port() + path, true);
                assertThat(refused.statusCode()).as("plain HTTP to %s on the HTTPS port", path).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("https-required");
            }
            // The control: a client that trusts only the usual authorities refuses the certificate (so the answers above came
            // through TLS with the store's certificate).
            assertThatThrownBy(() -> get(plain, https + "/health", false)).as("a client that does not trust the certificate")
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(metric(client, https, "inkstream_gateway_requests_refused_total{reason=\"https-required\"}")).isEqualTo(3);
        }
    }

    /**
     * The store's file replaced as cert-manager or a deploy script does (a new file moved over the old): the new certificate is
     * served to new connections without a restart; a file that cannot serve is refused and the certificate in use kept.
     */
    @Test
    void aRenewedCertificateIsServedWithoutARestartAndABrokenStoreIsNotTaken(Pipeline pipeline, @TempDir Path dir) throws Exception {
        Path store = SelfSignedKeyStores.create(dir, "gateway", PASSWORD);
        Path next = SelfSignedKeyStores.create(Files.createDirectories(dir.resolve("next")), "gateway", PASSWORD);
        SSLContext first = SelfSignedKeyStores.trusting(store, PASSWORD); // read now: the file changes below
        SSLContext renewed = SelfSignedKeyStores.trusting(next, PASSWORD);
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of(KEY))
                .withTls(Optional.of(TlsKeyStore.read(store, PASSWORD))))) {
            String https = "https://127.0.0.1:" + gateway.port();
            assertThat(get(client(first), https + "/health", false).statusCode()).isEqualTo(200);
            // The control: the next certificate is refused while the first one is served, so the wait below can see the change.
            assertThatThrownBy(() -> get(client(renewed), https + "/health", false)).isInstanceOf(SSLHandshakeException.class);

            replace(store, Files.readAllBytes(next));
            Waits.until(() -> served(renewed, https), Boolean::booleanValue, ok -> ok, Duration.ofSeconds(60),
                    "the renewed certificate served to a new connection");
            assertThatThrownBy(() -> get(client(first), https + "/health", false)).as("the first certificate, after the renewal")
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(metric(client(renewed), https, "inkstream_gateway_certificate_renewals_total{outcome=\"renewed\"}")).isEqualTo(1);
            System.gc(); // the gateway runs in this JVM: a gauge whose object is held weakly reads NaN after a collection
            assertThat(metric(client(renewed), https, "inkstream_gateway_certificate_expiry_timestamp_seconds"))
                    .isEqualTo(expiry(next, PASSWORD).getEpochSecond());

            for (byte[] broken : new byte[][] {"not a key store".getBytes(StandardCharsets.US_ASCII),
                    Files.readAllBytes(SelfSignedKeyStores.create(Files.createDirectories(dir.resolve("other")), "gateway", "another-password"))}) {
                double refusedBefore = metric(client(renewed), https, REFUSED_RENEWALS);
                replace(store, broken);
                Waits.until(() -> metric(client(renewed), https, REFUSED_RENEWALS), count -> count > refusedBefore, count -> count,
                        Duration.ofSeconds(60), "the broken store refused");
                assertThat(get(client(renewed), https + "/health", false).statusCode()).as("the certificate in use, kept").isEqualTo(200);
            }
        }
    }

    /**
     * A Kubernetes Secret's volume: the store's path is a symlink into {@code ..data}, itself a symlink to the current
     * version's directory, which the kubelet swaps in one rename at each update. Followed at every renewal, not only the first.
     */
    @Test
    void aStoreBehindASwappedSymlinkIsFollowedAtEveryRenewal(Pipeline pipeline, @TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("secret"));
        List<Path> versions = new ArrayList<>();
        for (int v = 0; v < 3; v++) {
            versions.add(SelfSignedKeyStores.create(Files.createDirectories(mount.resolve("..2026_12_07_v" + v)), "tls", PASSWORD));
        }
        swapData(mount, versions.get(0).getParent());
        Path store = Files.createSymbolicLink(mount.resolve("tls.p12"), Path.of("..data", "tls.p12"));
        try (GatewayService gateway = GatewayService.start(pipeline.gatewayConfig().withApiKey(Optional.of(KEY))
                .withTls(Optional.of(TlsKeyStore.read(store, PASSWORD))))) {
            String https = "https://127.0.0.1:" + gateway.port();
            assertThat(served(SelfSignedKeyStores.trusting(versions.get(0), PASSWORD), https)).isTrue();
            for (int v = 1; v < versions.size(); v++) {
                SSLContext next = SelfSignedKeyStores.trusting(versions.get(v), PASSWORD);
                assertThat(served(next, https)).as("version %d before its swap (the control)", v).isFalse();
                swapData(mount, versions.get(v).getParent());
                Waits.until(() -> served(next, https), Boolean::booleanValue, ok -> ok, Duration.ofSeconds(60),
                        "version " + v + " served after the swap");
            }
        }
    }

    /** Points {@code mount/..data} at {@code version} in one rename, as the kubelet does. */
    private static void swapData(Path mount, Path version) throws IOException {
        Path link = Files.createSymbolicLink(mount.resolve("..data_tmp"), version.getFileName());
        Files.move(link, mount.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A new file moved over the old in one step, as a renewal is made: never half a store at the path. */
    private static void replace(Path store, byte[] bytes) throws IOException {
        Path written = Files.write(store.resolveSibling(store.getFileName() + ".new"), bytes);
        Files.move(written, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client of its own, so that every request opens a connection and meets the certificate served now. */
    private static HttpClient client(SSLContext trusting) {
        return HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static boolean served(SSLContext trusting, String https) throws Exception {
        try {
            return get(client(trusting), https + "/health", false).statusCode() == 200;
        } catch (SSLHandshakeException e) {
            return false;
        }
    }

    private static Instant expiry(Path store, String password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        return ((X509Certificate) keys.getCertificate(keys.aliases().nextElement())).getNotAfter().toInstant();
    }

    /** One sample of {@code /metrics} (asked with the key); 0 when the series is not there yet. */
    private static double metric(HttpClient client, String https, String series) throws Exception {
        String text = get(client, https + "/metrics", true).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(HttpClient client, String url, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (withKey) {
            request.header("X-Api-Key", KEY);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
