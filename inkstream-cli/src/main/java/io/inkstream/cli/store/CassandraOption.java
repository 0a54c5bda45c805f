package io.inkstream.cli.store;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.ops.config.Environment;
import io.inkstream.store.CassandraSessions;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --cassandra}: which Cassandra to read; the local run's node by default. */
public final class CassandraOption {
    @Option(names = "--cassandra", paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "${env:INKSTREAM_CASSANDRA_CONTACT_POINTS:-127.0.0.1:9042}",
            description = "Cassandra contact points (default: $INKSTREAM_CASSANDRA_CONTACT_POINTS or 127.0.0.1:9042, the local run's node).")
    String contactPoints;

    @Option(names = "--local-dc", paramLabel = "DC", defaultValue = "${env:INKSTREAM_CASSANDRA_LOCAL_DC:-datacenter1}",
            description = "The driver's local datacenter (default: $INKSTREAM_CASSANDRA_LOCAL_DC or datacenter1).")
    String localDatacenter;

    /** A session with the login of {@code INKSTREAM_CASSANDRA_USERNAME} and {@code _PASSWORD}, and TLS of {@code _TLS_TRUSTSTORE}, if set. */
    public CqlSession session() {
        String name = "--cassandra";
        return CassandraSessions.open(new Environment(Map.of(name, contactPoints)).addresses(name, contactPoints, 9042), localDatacenter,
                CassandraSessions.access(Environment.system()), "cli-cql");
    }
}
