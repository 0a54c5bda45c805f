package io.inkstream.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.net.InetSocketAddress;

/** A Cassandra cluster the pipeline can talk to: the forked local node, or a container where Docker exists. */
public interface CassandraCluster extends AutoCloseable {

    InetSocketAddress contactPoint();

    String localDatacenter();

    /** A session builder that reaches this cluster; callers add a keyspace or settings on top. */
    default CqlSessionBuilder sessionBuilder() {
        return CqlSession.builder().addContactPoint(contactPoint()).withLocalDatacenter(localDatacenter());
    }

    /**
     * Leaves stopping the cluster to {@link #close} alone, when the caller closes it in order in a shutdown hook of its
     * own: a local node is otherwise also stopped by one of its own when this JVM exits, at the same moment.
     */
    default void stopOnlyOnClose() {
    }

    @Override
    void close();
}
