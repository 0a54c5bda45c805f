package io.inkstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import io.inkstream.testkit.ChangedComponents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.ClientUtils;
import org.junit.jupiter.api.Test;

class ClassifierConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        ClassifierConfig config = ClassifierConfig.fromEnvironment(new Environment(Map.of()));
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.guarantee()).isEqualTo(ClassifierConfig.Guarantee.EXACTLY_ONCE_V2);
        assertThat(config.batch()).isEqualTo(new BatchSettings(256, Duration.ofMillis(20), BatchSettings.Buffer.CHANGELOG));
        assertThat(config.pinnedModel()).isEmpty();
        assertThat(config.httpPort()).isEqualTo(8081);
        assertThat(config.httpHost()).as("health and metrics on loopback unless an operator opens them").isEqualTo("127.0.0.1");
    }

    @Test
    void readsEveryVariableAndPassesKafkaStreamsSettingsThrough() {
        ClassifierConfig config = ClassifierConfig.fromEnvironment(new Environment(Map.of(
                "INKSTREAM_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092",
                "INKSTREAM_CLASSIFIER_GUARANTEE", "at_least_once",
                "INKSTREAM_BATCH_MAX_RECORDS", "64",
                "INKSTREAM_BATCH_MAX_WAIT_MS", "5",
                "INKSTREAM_CLASSIFIER_MODEL", "v2-02366951b7ed",
                "INKSTREAM_KAFKA_STREAMS_COMMIT_INTERVAL_MS", "50",
                "INKSTREAM_GATEWAY_PORT", "8080"))); // another service's variable: not ours to refuse

        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.guarantee()).isEqualTo(ClassifierConfig.Guarantee.AT_LEAST_ONCE);
        assertThat(config.batch().maxRecords()).isEqualTo(64);
        assertThat(config.batch().maxWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.pinnedModel()).isEqualTo(Optional.of("v2-02366951b7ed"));
        Properties streams = ClassifierService.streamsProperties(config);
        assertThat(streams.get("commit.interval.ms")).isEqualTo("50");
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
    }

    @Test
    void everyClientKafkaStreamsMakesGetsSocketBuffersTheKernelSizes() {
        // Kafka Streams has its own fixed defaults for these (32 KiB to receive): the classifier's settings must reach
        // the clients it makes, as they do the sink's and the gateway's (KafkaClientSettings.base).
        StreamsConfig streams = new StreamsConfig(ClassifierService.streamsProperties(ClassifierConfig.fromEnvironment(new Environment(Map.of()))));

        Map<String, Object> consumer = streams.getMainConsumerConfigs("inkstream-classifier", "consumer", 0);
        Map<String, Object> producer = streams.getProducerConfigs("producer");
        assertThat(consumer).containsEntry("receive.buffer.bytes", -1).containsEntry("send.buffer.bytes", -1);
        assertThat(producer).containsEntry("receive.buffer.bytes", -1).containsEntry("send.buffer.bytes", -1);
    }

    @Test
    void theAssignorsCopyOfTheSettingsKeepsTheGlobalThreadsErrorHandling() {
        // Kafka Streams 4.3's partition assignor builds a StreamsConfig of its own from the main consumer's settings
        // (AssignorConfiguration, a QuietStreamsConfig), and that constructor warns at every start when the global
        // thread's processing exception handler is off in what it was given, whatever the application set.
        StreamsConfig streams = new StreamsConfig(ClassifierService.streamsProperties(ClassifierConfig.fromEnvironment(new Environment(Map.of()))));

        StreamsConfig assignors = new ClientUtils.QuietStreamsConfig(streams.getMainConsumerConfigs("inkstream-classifier", "consumer", 0));
        assertThat(streams.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        assertThat(assignors.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
    }

    @Test
    void aMalformedValueNamesItsVariable() {
        assertThatThrownBy(() -> ClassifierConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_BATCH_MAX_RECORDS", "lots"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("INKSTREAM_BATCH_MAX_RECORDS=lots is not a whole number");
        assertThatThrownBy(() -> ClassifierConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_CLASSIFIER_GUARANTEE", "maybe"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_CLASSIFIER_GUARANTEE=maybe is not one of [exactly_once_v2, at_least_once]");
        assertThatThrownBy(() -> ClassifierConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_BATCH_MAX_WAIT_MS", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("INKSTREAM_BATCH_MAX_WAIT_MS=0 is out of range");
    }

    @Test
    void aMistypedVariableIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> ClassifierConfig.fromEnvironment(new Environment(Map.of("INKSTREAM_BATCH_MAX_RECORD", "64"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("unknown variable INKSTREAM_BATCH_MAX_RECORD");
    }

    /** Each copy changes the setting its name says and keeps every other (they are passed on in one place, by name). */
    @Test
    void eachCopyChangesItsOwnSettingAndKeepsEveryOther() {
        ClassifierConfig base = ClassifierConfig.fromEnvironment(new Environment(Map.of()));
        Properties client = new Properties();
        client.setProperty("security.protocol", "SSL");
        Map<String, ClassifierConfig> copies = Map.of(
                "applicationId", base.withApplicationId("another"),
                "batch", base.withBatch(new BatchSettings(8, Duration.ofMillis(5), BatchSettings.Buffer.MEMORY_UNSAFE)),
                "pinnedModel", base.withPinnedModel(Optional.of("v3-3e4d1ee016f4")),
                "httpPort", base.withHttpPort(9),
                "kafkaClient", base.withKafkaClient(client),
                "modelTrust", base.withModelTrust(ModelTrust.anySigner()),
                "stateDir", base.withStateDir(Path.of("elsewhere")));
        copies.forEach((changed, copy) -> assertThat(ChangedComponents.between(base, copy))
                .as("the settings that %s's copy changes", changed).containsExactly(changed));
    }
}
