package io.inkstream.testkit.cassandra;

import io.inkstream.testkit.junit.Infrastructure;
import io.inkstream.testkit.junit.UsesInfrastructure;

/** The same checks on the official cassandra image; skipped, with the reason, where no Docker engine runs. */
@UsesInfrastructure(Infrastructure.CONTAINERS)
class CassandraClusterContainersIT extends CassandraClusterIT {
}
