package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.ArrayList;
import java.util.List;

/**
 * The roles of a Cassandra cluster with authentication: the gateway reads the keyspace, the sink
 * reads and writes it, and neither may change the schema or reach another keyspace. Applied by a
 * superuser after the schema ({@code inkstream cassandra-roles}); idempotent, and a second run sets
 * the passwords given.
 *
 * @param gateway the gateway's role, {@code inkstream_gateway} by default
 * @param sink    the sink's role, {@code inkstream_sink} by default
 */
public record PredictionRoles(String gateway, String sink) {
    public static PredictionRoles defaults() {
        return new PredictionRoles("inkstream_gateway", "inkstream_sink");
    }

    public PredictionRoles {
        for (String role : List.of(gateway, sink)) {
            if (!role.matches("[a-z_][a-z0-9_]{0,47}")) {
                throw new IllegalArgumentException("a role name is lower-case letters, digits and '_': " + role);
            }
        }
    }

    /** The statements, with these passwords. */
    public List<String> statements(String gatewayPassword, String sinkPassword) {
        String keyspace = PredictionSchema.KEYSPACE;
        List<String> statements = new ArrayList<>();
        statements.addAll(role(gateway, gatewayPassword));
        statements.add("GRANT SELECT ON KEYSPACE " + keyspace + " TO " + gateway);
        // The shared Idempotency-Keys are the one thing the gateway writes.
        statements.add("GRANT MODIFY ON TABLE " + keyspace + ".upload_keys TO " + gateway);
        statements.addAll(role(sink, sinkPassword));
        statements.add("GRANT SELECT ON KEYSPACE " + keyspace + " TO " + sink);
        statements.add("GRANT MODIFY ON KEYSPACE " + keyspace + " TO " + sink);
        return statements;
    }

    public void apply(CqlSession superuser, String gatewayPassword, String sinkPassword) {
        statements(gatewayPassword, sinkPassword).forEach(superuser::execute);
    }

    /** Made if missing, its password set either way: CREATE ... IF NOT EXISTS leaves an existing role's password as it was. */
    private static List<String> role(String name, String password) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("role " + name + " needs a password");
        }
        String quoted = "'" + password.replace("'", "''") + "'";
        return List.of("CREATE ROLE IF NOT EXISTS " + name + " WITH LOGIN = true AND PASSWORD = " + quoted,
                "ALTER ROLE " + name + " WITH PASSWORD = " + quoted);
    }
}
