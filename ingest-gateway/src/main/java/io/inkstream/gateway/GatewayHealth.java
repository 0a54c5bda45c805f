package io.inkstream.gateway;

import io.inkstream.gateway.events.PredictionEvents;
import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.ops.OpsServer;
import io.inkstream.ops.kafka.BrokerQuorum;
import io.inkstream.store.RingQuorum;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health}: UP, DEGRADED (no quorum of the Cassandra ring: uploads still work, answers do not) or DOWN
 * (no quorum of the Kafka cluster: uploads cannot be accepted), as 200, 200 and 503.
 */
final class GatewayHealth {
    private final BrokerQuorum brokers;
    private final RingQuorum ring;
    private final ModelCatalog catalog;
    private final PredictionEvents events;

    GatewayHealth(BrokerQuorum brokers, RingQuorum ring, ModelCatalog catalog, PredictionEvents events) {
        this.brokers = brokers;
        this.ring = ring;
        this.catalog = catalog;
        this.events = events;
    }

    OpsServer.Health check() {
        BrokerQuorum.State kafka = brokers.check();
        RingQuorum.State cassandra = ring.check();
        String status = !kafka.reachable() ? "DOWN" : cassandra.reachable() ? "UP" : "DEGRADED";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kafka", kafka.reachable() ? "up" : "down");
        details.put("cassandra", cassandra.reachable() ? "up" : "down");
        details.put("brokers", kafka.describe());
        details.put("ring", cassandra.describe());
        details.put("activeModel", catalog.activeVersion().orElse(null));
        // Answers still reach the page without it (it asks every 5 s): a detail, not a status.
        details.put("events", events.following() ? "following" : "stopped");
        return new OpsServer.Health(kafka.reachable(), status, details);
    }
}
