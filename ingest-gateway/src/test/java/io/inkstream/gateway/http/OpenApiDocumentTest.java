package io.inkstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the routes the app registers cannot drift apart. */
class OpenApiDocumentTest {

    @Test
    void documentsExactlyTheRoutesTheGatewayServes() throws Exception {
        JsonNode document;
        try (InputStream in = GatewayApp.class.getResourceAsStream("/io/inkstream/gateway/web/openapi.yaml")) {
            assertThat(in).as("openapi.yaml is served from the classpath").isNotNull();
            document = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        Set<String> served = Arrays.stream(ApiRoute.values())
                .map(route -> route.method().name() + " " + route.path())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).isEqualTo(served);
    }

    @Test
    void everyDocumentedErrorStatusUsesTheJsonErrorBody() throws Exception {
        JsonNode document;
        try (InputStream in = GatewayApp.class.getResourceAsStream("/io/inkstream/gateway/web/openapi.yaml")) {
            document = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        JsonNode problem = document.get("components").get("schemas").get("Problem");
        assertThat(problem.get("required")).extracting(JsonNode::asText).containsExactly("error", "detail");
        document.get("paths").forEach(path -> path.forEach(operation -> operation.get("responses").fields().forEachRemaining(response -> {
            if (response.getKey().startsWith("4")) {
                assertThat(response.getValue().toString()).contains("Problem");
            }
        })));
    }
}
