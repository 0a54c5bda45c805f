package io.inkstream.cli.store;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.store.PredictionRoles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inkstream cassandra-roles}: the roles of {@link PredictionRoles}, made by a superuser on a cluster with authentication. */
@Command(name = "cassandra-roles", mixinStandardHelpOptions = true,
        header = "Makes the gateway's and the sink's Cassandra roles.",
        description = "Makes the gateway's and the sink's Cassandra roles on a cluster with authentication: the gateway reads the "
                + "inkstream keyspace, the sink reads and writes it, neither may change the schema. Idempotent; sets the passwords given.%n"
                + "Run it as a superuser (INKSTREAM_CASSANDRA_USERNAME, INKSTREAM_CASSANDRA_PASSWORD) after the schema exists.%n"
                + "The roles' passwords come from " + CassandraRolesCommand.GATEWAY_PASSWORD + " and " + CassandraRolesCommand.SINK_PASSWORD
                        + ", never from the command line.")
public final class CassandraRolesCommand implements Callable<Integer> {
    static final String GATEWAY_PASSWORD = "INKSTREAM_CASSANDRA_GATEWAY_PASSWORD";
    static final String SINK_PASSWORD = "INKSTREAM_CASSANDRA_SINK_PASSWORD";

    @Mixin
    CassandraOption cassandra;

    @Option(names = "--gateway-role", defaultValue = "inkstream_gateway", description = "The gateway's role (default: ${DEFAULT-VALUE}).")
    String gatewayRole;

    @Option(names = "--sink-role", defaultValue = "inkstream_sink", description = "The sink's role (default: ${DEFAULT-VALUE}).")
    String sinkRole;

    @Override
    public Integer call() {
        String gatewayPassword = required(GATEWAY_PASSWORD);
        String sinkPassword = required(SINK_PASSWORD);
        PredictionRoles roles = new PredictionRoles(gatewayRole, sinkRole);
        try (CqlSession session = cassandra.session()) {
            roles.apply(session, gatewayPassword, sinkPassword);
        }
        System.out.println("roles " + gatewayRole + " (reads) and " + sinkRole + " (reads, writes) on keyspace inkstream");
        return 0;
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(variable + " is not set: the role's password");
        }
        return value;
    }
}
