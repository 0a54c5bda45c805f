package io.inkstream.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A Cassandra cluster the pipeline can talk to: the forked local node, or a container where Docker exists. */
public interface CassandraCluster extends AutoCloseable {

    InetSocketAddress contactPoint();

    String localDatacenter();

    /** A session builder that reaches this cluster; callers add a keyspace or settings ({@link #driverConfig}) on top. */
    default CqlSessionBuilder sessionBuilder() {
        return CqlSession.builder().addContactPoint(contactPoint()).withLocalDatacenter(localDatacenter())
                .withConfigLoader(driverConfig().build());
    }

    /** How long a closed session's event loops wait for quiet before they stop: {@link #driverConfig}. */
    Duration SHUTDOWN_QUIET_PERIOD = Duration.ofMillis(250);

    /**
     * The driver's settings for the sessions of the tests and of a local node's checks, to add to: a session's event loops
     * wait {@link #SHUTDOWN_QUIET_PERIOD} of quiet before they stop, not the 2 s of Netty's default (its connections are
     * closed already), which every node's start paid for its readiness check and every test for each session it closed.
     * Every session of the services does the same, from {@code prediction-store}'s {@code application.conf} (which says why
     * not 0), which this module does not see.
     */
    static ProgrammaticDriverConfigLoaderBuilder driverConfig() {
        return DriverConfigLoader.programmaticBuilder()
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, (int) SHUTDOWN_QUIET_PERIOD.toMillis())
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_TIMEOUT, 15_000)
                .withString(DefaultDriverOption.NETTY_IO_SHUTDOWN_UNIT, TimeUnit.MILLISECONDS.name())
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, (int) SHUTDOWN_QUIET_PERIOD.toMillis())
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000)
                .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, TimeUnit.MILLISECONDS.name());
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
