package io.inkstream.testkit.kafka;

import io.inkstream.testkit.junit.Infrastructure;
import io.inkstream.testkit.junit.UsesInfrastructure;

/** The same checks on the official apache/kafka image; skipped, with the reason, where no Docker engine runs. */
@UsesInfrastructure(Infrastructure.CONTAINERS)
class KafkaClusterContainersIT extends KafkaClusterIT {
}
