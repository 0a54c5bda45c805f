package io.inkstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alerts compose's Prometheus evaluates (deploy/prometheus/alerts.yml): a rule file Prometheus loads, each alert with a
 * severity and a summary, and found where prometheus.yml says. There is no Prometheus here to load it (no `promtool`);
 * PipelineJourneysIT checks that the metrics the alerts name are exported.
 */
public class AlertRulesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<JsonNode> rules;

    @BeforeAll
    static void read() throws IOException {
        rules = rules();
    }

    /** Every alert of deploy/prometheus/alerts.yml, group after group, each group named: PipelineJourneysIT reads them too. */
    public static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml("deploy/prometheus/alerts.yml").get("groups")) {
            assertThat(group.get("name").asText()).isNotBlank();
            group.get("rules").forEach(rules::add);
        }
        return rules;
    }

    @Test
    void everyAlertHasANameASeverityASummaryAndAnExpression() {
        assertThat(rules).hasSizeGreaterThan(5);
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String name = rule.get("alert").asText();
            assertThat(name).as("an alert's name").matches("Inkstream[A-Z][A-Za-z]+");
            assertThat(names.add(name)).as("%s named once", name).isTrue();
            assertThat(rule.get("expr").asText()).as(name).isNotBlank();
            assertThat(rule.at("/labels/severity").asText()).as("%s's severity", name).isIn("page", "warning");
            assertThat(rule.at("/annotations/summary").asText()).as("%s's summary", name).isNotBlank();
            if (rule.has("for")) {
                assertThat(rule.get("for").asText()).as("%s's for", name).matches("\\d+[smh]");
            }
            assertThat(balanced(rule.get("expr").asText())).as("%s's parentheses and braces", name).isTrue();
        }
    }

    @Test
    void theRulesAreLoadedWherePrometheusLooksForThem() throws IOException {
        JsonNode prometheus = yaml("deploy/prometheus/prometheus.yml");
        assertThat(prometheus.get("rule_files")).extracting(JsonNode::asText).containsExactly("/etc/prometheus/alerts.yml");
        JsonNode compose = yaml("docker-compose.yml");
        assertThat(compose.at("/services/prometheus/volumes")).extracting(JsonNode::asText)
                .contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
    }

    @Test
    void theAlertsNameTheJobsPrometheusScrapes() throws IOException {
        JsonNode prometheus = yaml("deploy/prometheus/prometheus.yml");
        List<String> jobs = new ArrayList<>();
        prometheus.get("scrape_configs").forEach(job -> jobs.add(job.get("job_name").asText()));
        Matcher named = Pattern.compile("job=~\"([a-z|]+)\"").matcher(rules.get(0).get("expr").asText());
        assertThat(named.find()).as("the first alert names the jobs it watches").isTrue();
        assertThat(List.of(named.group(1).split("\\|"))).containsExactlyInAnyOrderElementsOf(jobs);
    }

    private static boolean balanced(String expression) {
        int depth = 0;
        for (char c : expression.toCharArray()) {
            depth += c == '(' || c == '{' || c == '[' ? 1 : c == ')' || c == '}' || c == ']' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    private static JsonNode yaml(String file) throws IOException {
        return JSON.valueToTree(new Yaml().load(Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8)));
    }
}
