package io.inkstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/k8s/inkstream.yaml against the services' real configuration, as {@link ComposeFileTest}
 * does for compose (no cluster here): every variable a container gets is one its service reads
 * with a valid value, the ports its probes, its Prometheus annotation and its container declare
 * are the one the service listens on, and the classifier keeps its state on its own volume under a
 * stable name. Values from a Secret or the pod's name stand in as placeholders.
 */
class K8sManifestsTest {
    private static final Path MANIFESTS = Path.of("..").toAbsolutePath().normalize().resolve("deploy/k8s/inkstream.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> documents = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        for (Object document : new Yaml().loadAll(Files.readString(MANIFESTS, StandardCharsets.UTF_8))) {
            documents.add(JSON.valueToTree(document));
        }
    }

    @Test
    void theGatewayListensWhereItsProbesAndPrometheusLookAndNeedsAKey() {
        JsonNode workload = workload("Deployment", "gateway");
        GatewayConfig config = GatewayConfig.fromEnvironment(environment(workload));
        assertPortsAre(workload, config.port());
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.apiKey()).as("beyond loopback the gateway needs its key").isPresent();
        assertThat(config.labellers()).as("one labeller key for both replicas").hasToString("configured");
        assertThat(config.open()).isFalse();
        assertThat(config.contactPoints()).hasSize(3);
    }

    @Test
    void theClassifierIsAStatefulSetWithItsStateOnItsOwnVolumeAndItsPodNameAsInstanceId() {
        JsonNode workload = workload("StatefulSet", "classifier");
        ClassifierConfig config = ClassifierConfig.fromEnvironment(environment(workload));
        assertPortsAre(workload, config.httpPort());
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        JsonNode container = container(workload);
        JsonNode mount = container.get("volumeMounts").get(0);
        assertThat(mount.get("mountPath").asText()).isEqualTo(config.stateDir().toString());
        assertThat(workload.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo(mount.get("name").asText());
        assertThat(envEntry(container, ClassifierConfig.INSTANCE_ID).at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(config.instanceId()).isPresent();
        assertThat(workload.at("/spec/serviceName").asText()).isEqualTo(document("Service", "classifier").at("/metadata/name").asText());
    }

    @Test
    void theSinkListensWhereItsProbesAndPrometheusLook() {
        JsonNode workload = workload("Deployment", "sink");
        SinkConfig config = SinkConfig.fromEnvironment(environment(workload));
        assertPortsAre(workload, config.httpPort());
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.contactPoints()).hasSize(3);
    }

    @Test
    void eachImageIsTheDockerfileTargetOfItsService() throws IOException {
        String dockerfile = Files.readString(MANIFESTS.getParent().getParent().getParent().resolve("Dockerfile"), StandardCharsets.UTF_8);
        for (String service : List.of("gateway", "classifier", "sink")) {
            JsonNode workload = documents.stream().filter(d -> d.at("/metadata/name").asText().equals(service)
                    && d.at("/spec/template").isObject()).findFirst().orElseThrow();
            assertThat(container(workload).get("image").asText()).startsWith("inkstream/" + service + ":");
            assertThat(dockerfile).contains("AS " + service + "\n");
        }
    }

    private static void assertPortsAre(JsonNode workload, int port) {
        JsonNode container = container(workload);
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        assertThat(container.at("/readinessProbe/httpGet/port").asInt()).isEqualTo(port);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/livenessProbe/httpGet/port").asInt()).isEqualTo(port);
        JsonNode annotations = workload.at("/spec/template/metadata/annotations");
        assertThat(annotations.get("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
        assertThat(annotations.get("prometheus.io/path").asText()).isEqualTo("/metrics");
    }

    /** What the container sees: the ConfigMap it takes whole, then its own entries; a Secret or the pod's name as a placeholder. */
    private static Environment environment(JsonNode workload) {
        Map<String, String> variables = new LinkedHashMap<>();
        JsonNode container = container(workload);
        for (JsonNode source : container.path("envFrom")) {
            document("ConfigMap", source.at("/configMapRef/name").asText()).get("data").fields()
                    .forEachRemaining(entry -> variables.put(entry.getKey(), entry.getValue().asText()));
        }
        for (JsonNode entry : container.path("env")) {
            String value = entry.has("value") ? entry.get("value").asText()
                    : entry.at("/valueFrom/fieldRef/fieldPath").isMissingNode() ? "a-value-from-the-secret" : workload.at("/metadata/name").asText() + "-0";
            variables.put(entry.get("name").asText(), value);
        }
        return new Environment(variables);
    }

    private static JsonNode envEntry(JsonNode container, String name) {
        for (JsonNode entry : container.path("env")) {
            if (entry.get("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError(name + " is not set in " + container.get("name"));
    }

    private static JsonNode container(JsonNode workload) {
        JsonNode containers = workload.at("/spec/template/spec/containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode workload(String kind, String name) {
        return document(kind, name);
    }

    private static JsonNode document(String kind, String name) {
        return documents.stream().filter(d -> d.get("kind").asText().equals(kind) && d.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + MANIFESTS));
    }
}
