package io.inkstream.gateway;

import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.ops.OpsServer;
import io.inkstream.store.RingQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code /health}: UP, DEGRADED (no quorum of the Cassandra ring: uploads still work, answers do not) or DOWN
 * (the broker does not answer: uploads cannot be accepted), as 200, 200 and 503.
 */
final class GatewayHealth {
    /** A broker check answers health for this long: health is polled often, the cluster changes rarely. */
    private static final Duration BROKER_CHECK_TTL = Duration.ofSeconds(5);

    private final Admin admin;
    private final RingQuorum ring;
    private final ModelCatalog catalog;
    private Instant brokerCheckedAt = Instant.EPOCH;
    private boolean brokerUp;

    GatewayHealth(Admin admin, RingQuorum ring, ModelCatalog catalog) {
        this.admin = admin;
        this.ring = ring;
        this.catalog = catalog;
    }

    synchronized OpsServer.Health check() {
        if (Duration.between(brokerCheckedAt, Instant.now()).compareTo(BROKER_CHECK_TTL) > 0) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                brokerUp = true;
            } catch (Exception e) {
                brokerUp = false;
            }
            brokerCheckedAt = Instant.now();
        }
        RingQuorum.State quorum = ring.check();
        boolean cassandraUp = quorum.reachable();
        String status = !brokerUp ? "DOWN" : cassandraUp ? "UP" : "DEGRADED";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kafka", brokerUp ? "up" : "down");
        details.put("cassandra", cassandraUp ? "up" : "down");
        details.put("ring", quorum.describe());
        details.put("activeModel", catalog.activeVersion().orElse(null));
        return new OpsServer.Health(brokerUp, status, details);
    }
}
