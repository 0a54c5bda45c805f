package io.inkstream.infra.kafka;

import io.inkstream.infra.InfrastructureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;

/** What every in-process KRaft node needs, one node ({@link LocalKafka}) or several ({@link LocalKafkaCluster}). */
final class KraftNodes {
    private KraftNodes() {
    }

    /** A node's properties as a file, for the storage tool. */
    static Path writeProperties(Path file, Map<String, String> props) {
        Properties properties = new Properties();
        properties.putAll(props);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "written by Inkstream's testkit");
        } catch (IOException e) {
            throw new InfrastructureException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * Formats a node's new log directory under {@code clusterId} ({@code --ignore-formatted}: a directory formatted by an
     * earlier run is left as it is); {@code extra} adds the storage tool's other arguments, e.g. {@code --standalone}.
     */
    static void format(Path propertiesFile, String clusterId, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propertiesFile.toString(), "--ignore-formatted"));
        args.addAll(extra);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(args.toArray(String[]::new), out);
        } catch (Exception e) {
            throw new InfrastructureException("formatting the Kafka log directory failed: " + e.getMessage(), e);
        }
        if (code != 0) {
            throw new InfrastructureException("formatting the Kafka log directory failed (exit " + code + "): "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /** Waits until the cluster reports at least {@code expected} brokers; fails with the last count or error at the deadline. */
    static void awaitBrokers(Properties client, String bootstrapServers, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.putAll(client);
        props.put("request.timeout.ms", "2000");
        props.put("default.api.timeout.ms", "2000");
        try (Admin admin = Admin.create(props)) {
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                try {
                    int brokers = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
                    if (brokers >= expected) {
                        return;
                    }
                    last = brokers + " brokers";
                } catch (Exception e) {
                    last = e.toString();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InfrastructureException("interrupted while waiting for Kafka at " + bootstrapServers, e);
                }
            }
            throw new InfrastructureException("Kafka at " + bootstrapServers + " did not show " + expected + " broker"
                    + (expected == 1 ? "" : "s") + " within " + timeout.toSeconds() + " s; last: " + last);
        }
    }
}
