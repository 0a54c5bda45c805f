package io.inkstream.cli.stack;

import static io.inkstream.cli.ServiceWaits.awaitClassified;
import static io.inkstream.cli.ServiceWaits.awaitHealthy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.LoopbackPorts;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.process.ServiceProcess;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.kafka.Offsets;
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
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inkstream run gateway|classifier|sink}: each service in a JVM of its own, told where the
 * cluster is by its options alone, against the shared broker and node: together they classify and
 * store an upload (sent before the classifier starts: one accepted while none runs waits for it),
 * each answers {@code /health} on the port its option named, and SIGTERM stops each cleanly. An
 * option wins over its variable: the sink's environment names a broker that does not exist, and
 * its {@code --bootstrap} the real one.
 */
@ExtendWith(SharedInfrastructure.class)
class RunCommandIT {

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
        // Groups of their own on the shared broker. The classifier's starts where the images topic ends now rather than
        // reclassifying what other tests sent: its offsets are committed there before it starts. (A reset to "latest"
        // instead raced the upload: a classifier still joining its group, which its health then called UP, took the end
        // after the upload and never saw it; red in CI on 2026-12-06.)
        String classifierGroup = "run-it-" + run;
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            PipelineTopics.ensure(admin, ClassifierConfig.defaults(bootstrap).partitions(), Optional.empty());
            Offsets.commit(admin, classifierGroup, Offsets.of(admin, Topics.IMAGES, OffsetSpec.latest()));
        }

        try (ServiceProcess sink = ServiceProcess.start(cli, List.of("run", "sink", "--bootstrap", bootstrap, "--cassandra", cql,
                        "--http-port", Integer.toString(sinkPort), "--group", "run-it-sink-" + run, "--instance-id", "run-it-sink"),
                Map.of("INKSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1"), log);
             ServiceProcess gateway = ServiceProcess.start(cli, List.of("run", "gateway", "--bootstrap", bootstrap, "--cassandra", cql,
                     "--http-port", Integer.toString(gatewayPort)), Map.of(), log)) {
            awaitHealthy(sink, sinkPort, "sink");
            awaitHealthy(gateway, gatewayPort, "gateway");

            // Uploaded before any classifier runs: accepted, and classified once one starts.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            LabelledDigits digits = BundledMnist.validation();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/images?label="
                            + digits.label(0))).header("Content-Type", "application/x-mnist")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(0))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = new ObjectMapper().readTree(accepted.body()).get("images").get(0).get("id").asText();

            try (ServiceProcess classifier = ServiceProcess.start(cli, List.of("run", "classifier", "--bootstrap", bootstrap,
                    "--http-port", Integer.toString(classifierPort), "--state-dir", temp.resolve("state").toString()),
                    Map.of(ClassifierConfig.APPLICATION_ID, classifierGroup), log)) {
                awaitHealthy(classifier, classifierPort, "classifier");
                JsonNode image = awaitClassified(http, gatewayPort, id, log);
                assertThat(image.get("predictions").get(0).get("label").asInt()).isEqualTo(digits.label(0));

                gateway.close();
                classifier.close();
                sink.close();
            }
        }
        String written = Files.readString(log);
        assertThat(written).as("each service's last line on SIGTERM (log: %s)", log)
                .contains("gateway stopped", "classifier stopped", "sink stopped");
    }
}
