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
import java.util.LinkedHashMap;
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

    /**
     * What every local broker runs with, alone or one of {@code nodes}, beside its own identity and
     * listeners: the one place these settings and their reasons live.
     */
    static Map<String, String> localSettings(Path logDir, int nodes) {
        String replicas = Integer.toString(nodes);
        // Every topic on every node, and a write acknowledged by all but one: one node may stop without losing or
        // refusing anything. Alone, one replica and one in sync, or groups and transactions hang.
        String minInSync = Integer.toString(Math.max(1, nodes - 1));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInSync);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("unclean.leader.election.enable", "false");
        // Tests and the local run start consumers right away: no reason to wait for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created by the services' own set-up, with their own partitions and configs.
        p.put("auto.create.topics.enable", "false");
        // Brokers sharing a small machine with the services: the defaults (3 network and 8 request threads each) only
        // add context switches there.
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        // Socket buffers the kernel sizes, as the services' clients have (KafkaClientSettings.base): a fixed 100 KiB is
        // less than one produce request or fetch response of a hundred predictions (~110 KB).
        p.put("socket.receive.buffer.bytes", "-1");
        p.put("socket.send.buffer.bytes", "-1");
        // A killed producer's open transaction is aborted once its timeout has passed and the broker looks: every
        // 10 s by default, which a killed classifier's partitions (and the sink behind them) then wait out.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        return p;
    }

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
