package io.inkstream.cli.stack;

import io.inkstream.gateway.GatewayConfig;
import io.inkstream.ops.config.Environment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inkstream up}: the whole pipeline on this machine, until Ctrl-C or SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        header = "Runs everything on this machine, no Docker: a Kafka broker, a Cassandra node and the three services.",
        description = "Runs everything on this machine, no Docker needed: a real Kafka broker and a real Cassandra node "
                + "(data kept in --data-dir, so a restart keeps everything), the topics and schema, the default model, "
                + "and the sink, classifier and gateway in this JVM. Ctrl-C or SIGTERM stops it all cleanly.%n"
                + "The services read their usual INKSTREAM_* variables (batch size, API key, ...).")
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".inkstream-data", description = "Where broker, Cassandra and classifier data live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface the gateway listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 to reach it from other machines, "
                    + "which needs INKSTREAM_GATEWAY_API_KEY or --insecure). The broker, Cassandra and the ops ports stay on loopback.")
    String host;

    @Option(names = "--insecure", description = "Let the gateway listen beyond loopback without an API key: anyone who reaches it can upload.")
    boolean insecure;

    @Option(names = "--gateway-port", defaultValue = "8080", description = "Web page and REST API (default: ${DEFAULT-VALUE}).")
    int gatewayPort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka bootstrap port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--kafka-controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int kafkaControllerPort;

    @Option(names = "--cql-port", defaultValue = "9042", description = "Cassandra CQL port (default: ${DEFAULT-VALUE}).")
    int cqlPort;

    @Option(names = "--cassandra-storage-port", defaultValue = "7000", description = "Cassandra inter-node port (default: ${DEFAULT-VALUE}).")
    int storagePort;

    @Option(names = "--classifier-http-port", defaultValue = "8081", description = "Classifier health and metrics (default: ${DEFAULT-VALUE}).")
    int classifierHttpPort;

    @Option(names = "--sink-http-port", defaultValue = "8082", description = "Sink health and metrics (default: ${DEFAULT-VALUE}).")
    int sinkHttpPort;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Kafka nodes (default: ${DEFAULT-VALUE}). More run a KRaft cluster, node i on 127.0.0.i, every topic "
                    + "replicated to each node and min.insync.replicas one fewer: one node may stop without losing or refusing a write.")
    int brokers;

    @Option(names = "--cassandra-nodes", defaultValue = "1",
            description = "Cassandra nodes (default: ${DEFAULT-VALUE}). More run a ring, node i on 127.0.0.i in its own JVM (1 GiB heap "
                    + "each), the keyspace replicated to each node, reads and writes at LOCAL_QUORUM: one node may stop.")
    int cassandraNodes;

    @Override
    public Integer call() throws InterruptedException {
        if (brokers < 1 || brokers > 9 || cassandraNodes < 1 || cassandraNodes > 9) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--brokers and --cassandra-nodes take 1 to 9");
        }
        long begun = System.nanoTime();
        Map<String, String> environment = new HashMap<>(System.getenv());
        if (insecure) {
            environment.put(GatewayConfig.INSECURE, "true");
        }
        // The gateway's settings as it will get them, checked before a broker and a node are started for nothing.
        Map<String, String> gateway = LocalStack.forLocalNodes(environment);
        gateway.put(GatewayConfig.HOST, host);
        boolean tls = GatewayConfig.fromEnvironment(new Environment(gateway)).tls().isPresent();
        System.err.printf("inkstream: starting Kafka (%d node%s), Cassandra (%d node%s) and the three services (%s)...%n", brokers,
                brokers == 1 ? "" : "s", cassandraNodes, cassandraNodes == 1 ? "" : "s",
                brokers == 1 && cassandraNodes == 1 ? "about 30 s" : "a minute or two");
        LocalStack stack = LocalStack.start(new LocalStack.Settings(dataDir.toAbsolutePath(), host, gatewayPort, kafkaPort,
                kafkaControllerPort, cqlPort, storagePort, classifierHttpPort, sinkHttpPort, environment, brokers, cassandraNodes));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("inkstream: stopping...");
            stack.close();
            System.err.println("inkstream: stopped; data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }, "inkstream-up-shutdown"));
        // That hook stops everything in order. The node ignores a terminal's Ctrl-C (ChildJvm.ignoringTerminalSignals).
        stack.stopOnlyOnClose();
        String page = GatewayConfig.pageUrl(tls, host, stack.gatewayPort());
        System.out.printf("""

                Inkstream is up (%d s)
                  web page and REST API   %s
                  OpenAPI                 %sopenapi.yaml
                  Kafka bootstrap         %s
                  Cassandra (CQL)         %s
                  classifier health       http://127.0.0.1:%d/health
                  sink health             http://127.0.0.1:%d/health
                  data                    %s
                Ctrl-C stops everything.

                """, (System.nanoTime() - begun) / 1_000_000_000L, page, page,
                stack.kafkaBootstrap(), stack.cassandraContactPoint(), classifierHttpPort, sinkHttpPort, dataDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
