package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.contract.topic.Topics;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.cassandra.LocalCassandraRing;
import io.inkstream.testkit.kafka.LocalKafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code inkstream up --brokers 3 --cassandra-nodes 3} runs: a 3-node KRaft cluster and a
 * 3-node Cassandra ring on 127.0.0.1-3, the services on top. The topics have three replicas and
 * {@code min.insync.replicas=2}, the keyspace three replicas; uploads sent while one broker and one
 * Cassandra node are stopped (both at once) are accepted and stored, as are those sent before and
 * after, each exactly once (read at {@code LOCAL_QUORUM}). The control: with two Cassandra nodes
 * stopped the same read is refused.
 */
class ClusterStackIT {
    private static final int PER_PHASE = 10;
    private static final Duration STORED_WITHIN = Duration.ofMinutes(3);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void withOneBrokerAndOneCassandraNodeOfThreeStoppedEveryUploadIsStoredOnce(@TempDir Path temp) throws Exception {
        LocalStack.Settings settings = new LocalStack.Settings(temp, "127.0.0.1", 0, 0, 0, 0, 0, 0, 0, Map.of(), 3, 3);
        try (LocalStack stack = LocalStack.start(settings)) {
            LocalKafkaCluster brokers = stack.kafkaCluster().orElseThrow();
            LocalCassandraRing ring = stack.cassandraRing().orElseThrow();
            assertReplicatedThreeWays(stack);
            LabelledDigits digits = BundledMnist.validation();
            int port = stack.gatewayPort();

            List<String> ids = new ArrayList<>(upload(port, digits, 0));
            awaitStored(port, ids);

            brokers.stop(2);
            ring.stop(3);
            List<String> whileDown = upload(port, digits, PER_PHASE);
            ids.addAll(whileDown);
            awaitStored(port, whileDown);

            brokers.start(2);
            ring.start(3);
            List<String> after = upload(port, digits, 2 * PER_PHASE);
            ids.addAll(after);
            awaitStored(port, after);

            // At LOCAL_QUORUM, as the services read: node 3 missed the writes made while it was down until hints or repair
            // bring them, so a read from it alone (ONE, the driver's default) can find nothing.
            try (CqlSession session = ring.sessionBuilder().build()) {
                PreparedStatement rows = session.prepare("SELECT COUNT(*) AS n FROM inkstream.predictions_by_image WHERE image_id = ?");
                for (String id : ids) {
                    assertThat(session.execute(rows.bind(id).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).one().getLong("n"))
                            .as("rows of image %s", id).isEqualTo(1);
                }
                // The control: with two of three replicas gone a quorum is refused, so the reads and writes above really
                // needed two nodes each, and one stopped node was really absent.
                ring.stop(2);
                ring.stop(3);
                assertThatThrownBy(() -> session.execute(rows.bind(ids.get(0)).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                        .as("a quorum read with one replica of three left") // the driver may wrap it after trying another node
                        .hasMessageContaining("Not enough replicas available for query at consistency LOCAL_QUORUM (2 required");
            }
        }
    }

    private static void assertReplicatedThreeWays(LocalStack stack) throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", stack.kafkaBootstrap());
        try (Admin admin = Admin.create(client)) {
            for (String topic : List.of(Topics.IMAGES, Topics.PREDICTIONS)) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                assertThat(description.partitions()).as("partitions of %s", topic).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get("min.insync.replicas").value()).as("min.insync.replicas of %s", topic).isEqualTo("2");
            }
        }
        try (CqlSession session = stack.cassandraRing().orElseThrow().sessionBuilder().build()) {
            assertThat(session.getMetadata().getNodes()).hasSize(3);
            Map<String, String> replication = session.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'inkstream'")
                    .one().getMap("replication", String.class, String.class);
            assertThat(replication).containsEntry("replication_factor", "3");
        }
    }

    /** PER_PHASE digits from {@code from}, each answered 202; returns their ids. */
    private List<String> upload(int port, LabelledDigits digits, int from) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + PER_PHASE; i++) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/images?label="
                            + digits.label(i))).header("Content-Type", "application/x-mnist").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(digits.images().imageBytes(i))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("upload %d: %s", i, answer.body()).isEqualTo(202);
            ids.add(new ObjectMapper().readTree(answer.body()).get("images").get(0).get("id").asText());
        }
        return ids;
    }

    /** Each image classified and its prediction readable through the gateway; fails with the ones still missing. */
    private void awaitStored(int port, List<String> ids) throws Exception {
        long deadline = System.nanoTime() + STORED_WITHIN.toNanos();
        List<String> missing = new ArrayList<>(ids);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            List<String> still = new ArrayList<>();
            for (String id : missing) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/images/" + id))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode image = answer.statusCode() == 200 ? new ObjectMapper().readTree(answer.body()) : null;
                if (image == null || !"classified".equals(image.path("status").asText())) {
                    still.add(id);
                }
            }
            missing = still;
            if (!missing.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertThat(missing).as("uploads not stored within %s", STORED_WITHIN).isEmpty();
    }
}
