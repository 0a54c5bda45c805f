package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.process.ServiceProcess;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inkstream run gateway|classifier|sink}: each service in a JVM of its own, told where the
 * cluster is by its options alone, against the shared broker and node: together they classify and
 * store an upload, each answers {@code /health} on the port its option named, and SIGTERM stops
 * each cleanly. An option wins over its variable: the sink's environment names a broker that does
 * not exist, and its {@code --bootstrap} the real one.
 */
@ExtendWith(SharedInfrastructure.class)
class RunCommandIT {
    private static final Duration CLASSIFIED_WITHIN = Duration.ofSeconds(120);

    @Test
    void eachServiceRunsFromItsOwnCommandLineAndTogetherTheyClassifyAnUpload(KafkaCluster kafka, CassandraCluster cassandra,
                                                                             @TempDir Path temp) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String cql = cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort();
        String run = UUID.randomUUID().toString();
        int gatewayPort = LoopbackPorts.free();
        int classifierPort = LoopbackPorts.free();
        int sinkPort = LoopbackPorts.free();
        Path log = temp.resolve("services.log");
        String cli = InkstreamCli.class.getName();
        // Groups of their own on the shared broker; the classifier starts at the topic's end rather than reclassifying what
        // other tests sent (both through variables, which the options leave alone).
        Map<String, String> classifierEnvironment = Map.of(ClassifierConfig.APPLICATION_ID, "run-it-" + run,
                ClassifierConfig.STREAMS_PREFIX + "AUTO_OFFSET_RESET", "latest");

        try (ServiceProcess sink = ServiceProcess.start(cli, List.of("run", "sink", "--bootstrap", bootstrap, "--cassandra", cql,
                        "--http-port", Integer.toString(sinkPort), "--group", "run-it-sink-" + run, "--instance-id", "run-it-sink"),
                Map.of("INKSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1"), log);
             ServiceProcess classifier = ServiceProcess.start(cli, List.of("run", "classifier", "--bootstrap", bootstrap,
                     "--http-port", Integer.toString(classifierPort), "--state-dir", temp.resolve("state").toString()), classifierEnvironment, log);
             ServiceProcess gateway = ServiceProcess.start(cli, List.of("run", "gateway", "--bootstrap", bootstrap, "--cassandra", cql,
                     "--http-port", Integer.toString(gatewayPort)), Map.of(), log)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (int port : List.of(sinkPort, classifierPort, gatewayPort)) {
                awaitHealthy(http, port, log);
            }

            LabelledDigits digits = BundledMnist.validation();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/images?label="
                            + digits.label(0))).header("Content-Type", "application/x-mnist")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(0))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = new ObjectMapper().readTree(accepted.body()).get("images").get(0).get("id").asText();

            JsonNode image = awaitClassified(http, gatewayPort, id, log);
            assertThat(image.get("predictions").get(0).get("label").asInt()).isEqualTo(digits.label(0));

            gateway.close();
            classifier.close();
            sink.close();
        }
        String written = Files.readString(log);
        assertThat(written).as("each service's last line on SIGTERM (log: %s)", log)
                .contains("gateway stopped", "classifier stopped", "sink stopped");
    }

    static void awaitHealthy(HttpClient http, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
                last = health.statusCode() + " " + health.body();
            } catch (java.io.IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("port " + port + " not healthy within 2 min; last: " + last + " (log: " + log + ")");
    }

    static JsonNode awaitClassified(HttpClient http, int port, String id, Path log) throws Exception {
        long deadline = System.nanoTime() + CLASSIFIED_WITHIN.toNanos();
        String last;
        do {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/images/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200) {
                JsonNode image = new ObjectMapper().readTree(answer.body());
                if ("classified".equals(image.path("status").asText())) {
                    return image;
                }
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("image " + id + " not classified within " + CLASSIFIED_WITHIN + "; last answer: " + last + " (log: " + log + ")");
    }
}
