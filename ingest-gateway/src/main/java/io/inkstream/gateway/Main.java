package io.inkstream.gateway;

import io.inkstream.gateway.http.ApiKeys;
import io.inkstream.gateway.http.TlsKeyStore;
import io.inkstream.ops.ServiceCommand;
import io.inkstream.ops.config.Environment;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One gateway: the container's entry point and {@code inkstream run gateway}. */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one upload gateway (web page, REST API, health and metrics on one port) against any Kafka "
                + "cluster and Cassandra ring; run several behind a load balancer. Each option stands for the variable "
                + "named in its description and wins over it; every other INKSTREAM_GATEWAY_*, INKSTREAM_CASSANDRA_* "
                + "and INKSTREAM_KAFKA_* variable is read as documented (the API key only from "
                + "INKSTREAM_GATEWAY_API_KEY or a file of keys, and the key store's password only from INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD: a command line "
                + "is visible to every user of the machine). SIGTERM or "
                + "Ctrl-C stops it cleanly.")
public final class Main extends ServiceCommand {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (INKSTREAM_KAFKA_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--cassandra", paramLabel = "HOST:PORT[,...]", description = "Cassandra contact points (INKSTREAM_CASSANDRA_CONTACT_POINTS).")
    String cassandra;

    @Option(names = "--local-dc", paramLabel = "NAME", description = "Cassandra's local datacenter (INKSTREAM_CASSANDRA_LOCAL_DC).")
    String localDatacenter;

    @Option(names = "--http-host", paramLabel = "ADDRESS", description = "Interface to listen on (INKSTREAM_GATEWAY_HOST); beyond loopback needs an API key or --insecure.")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Web page, REST API, /health and /metrics (INKSTREAM_GATEWAY_PORT).")
    Integer httpPort;

    @Option(names = "--insecure", description = "Listen beyond loopback without an API key (INKSTREAM_GATEWAY_INSECURE).")
    Boolean insecure;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS #12 key store with the gateway's certificate and key:"
            + " HTTPS only (INKSTREAM_GATEWAY_TLS_KEYSTORE; its password in INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD, never on the command line).")
    Path tlsKeyStore;

    @Option(names = "--api-keys-file", paramLabel = "FILE", description = "The API keys, one a line, taken again within 5 s when the"
            + " file changes: a key rotated without a restart (INKSTREAM_GATEWAY_API_KEYS_FILE; instead of INKSTREAM_GATEWAY_API_KEY).")
    Path apiKeysFile;

    public Main() {
    }

    public static void main(String[] args) {
        ServiceCommand.main(new Main(), args);
    }

    @Override
    protected String name() {
        return "gateway";
    }

    @Override
    protected Map<String, String> options() {
        return new Options().put(GatewayConfig.BOOTSTRAP, bootstrap).put(GatewayConfig.CONTACT_POINTS, cassandra)
                .put(GatewayConfig.LOCAL_DC, localDatacenter).put(GatewayConfig.HOST, httpHost).put(GatewayConfig.PORT, httpPort)
                .put(GatewayConfig.INSECURE, insecure).put(TlsKeyStore.PATH_VARIABLE, tlsKeyStore).put(ApiKeys.FILE_VARIABLE, apiKeysFile).toMap();
    }

    @Override
    protected AutoCloseable start(Map<String, String> environment) {
        return GatewayService.start(GatewayConfig.fromEnvironment(new Environment(environment)));
    }
}
