package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** How every part of Inkstream opens a Cassandra session: contact points, data centre, login, and a name for its threads. */
public final class CassandraSessions {
    public static final String USERNAME = "INKSTREAM_CASSANDRA_USERNAME";
    public static final String PASSWORD = "INKSTREAM_CASSANDRA_PASSWORD";

    /** A role and its password, for a cluster with authentication on ({@code PasswordAuthenticator}). */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return username; // never the password, wherever a config is logged
        }
    }

    private CassandraSessions() {
    }

    /** {@value #USERNAME} and {@value #PASSWORD}: both or neither. */
    public static Optional<Login> login(Environment env) {
        String username = env.string(USERNAME, "");
        String password = env.string(PASSWORD, "");
        if (username.isEmpty() != password.isEmpty()) {
            throw new ConfigurationException(USERNAME + " and " + PASSWORD + " go together: set both, or neither for a cluster without"
                    + " authentication");
        }
        return username.isEmpty() ? Optional.empty() : Optional.of(new Login(username, password));
    }

    /**
     * Reads and writes at {@code LOCAL_QUORUM}, lightweight transactions at {@code LOCAL_SERIAL}.
     *
     * @param name the session's name: the driver names its threads after it ("sink-cql-io-0"), so CPU per thread tells whose they are
     */
    public static CqlSession open(List<InetSocketAddress> contactPoints, String localDatacenter, Optional<Login> login, String name) {
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoints(contactPoints)
                .withLocalDatacenter(localDatacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withString(DefaultDriverOption.SESSION_NAME, name)
                        // A majority of the replicas in this datacenter: with replication 3 a write and a later read meet on
                        // one replica at least, and one node may be down; with replication 1 it is that one replica, as ONE.
                        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                        // Idempotency keys are claimed with a lightweight transaction: its Paxos round stays in this datacenter.
                        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
                        .build());
        login.ifPresent(l -> builder.withAuthCredentials(l.username(), l.password()));
        return builder.build();
    }
}
