package io.inkstream.infra.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster the pipeline can talk to: the embedded broker or brokers of {@code inkstream up} and
 * the tests, or a container where Docker exists. What tests read back is the testkit's ({@code TopicReader}).
 */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** Client properties that reach this cluster; callers add their own on top. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    default void createTopics(TopicSpec... specs) {
        createTopics(Arrays.asList(specs));
    }

    default void createTopics(List<TopicSpec> specs) {
        try (Admin admin = Admin.create(clientProperties())) {
            for (TopicSpec spec : specs) {
                NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(Map.copyOf(spec.configs()));
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker at " + bootstrapServers() + " did not create topics within 30 s", e);
        }
    }

    @Override
    void close();
}
