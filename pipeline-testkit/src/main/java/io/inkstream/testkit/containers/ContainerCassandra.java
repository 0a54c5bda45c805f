package io.inkstream.testkit.containers;

import io.inkstream.infra.cassandra.CassandraCluster;
import java.net.InetSocketAddress;
import org.testcontainers.cassandra.CassandraContainer;

/** The official cassandra image through Testcontainers, for machines with a Docker engine. */
public final class ContainerCassandra implements CassandraCluster {
    public static final String IMAGE = "cassandra:5.0";

    private final CassandraContainer container;

    private ContainerCassandra(CassandraContainer container) {
        this.container = container;
    }

    @SuppressWarnings("resource") // closed by close()
    public static ContainerCassandra start() {
        CassandraContainer container = new CassandraContainer(IMAGE);
        container.start();
        return new ContainerCassandra(container);
    }

    @Override
    public InetSocketAddress contactPoint() {
        return container.getContactPoint();
    }

    @Override
    public String localDatacenter() {
        return container.getLocalDatacenter();
    }

    @Override
    public void close() {
        container.stop();
    }
}
