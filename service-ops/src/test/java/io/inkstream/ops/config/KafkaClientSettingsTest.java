package io.inkstream.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    @Test
    void everyClientStartsWithSocketBuffersTheKernelSizes() {
        Properties base = KafkaClientSettings.base("kafka-1:9092", new Properties());

        assertThat(base.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("kafka-1:9092");
        assertThat(base.get(CommonClientConfigs.RECEIVE_BUFFER_CONFIG)).isEqualTo(-1);
        assertThat(base.get(CommonClientConfigs.SEND_BUFFER_CONFIG)).isEqualTo(-1);
    }

    @Test
    void anOperatorsSharedSettingsComeAfterTheDefaults() {
        Properties shared = KafkaClientSettings.fromEnvironment(new Environment(Map.of(
                "INKSTREAM_KAFKA_CLIENT_RECEIVE_BUFFER_BYTES", "131072",
                "INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL")));

        Properties base = KafkaClientSettings.base("kafka-1:9092", shared);

        assertThat(base.get(CommonClientConfigs.RECEIVE_BUFFER_CONFIG)).isEqualTo("131072");
        assertThat(base.get(CommonClientConfigs.SEND_BUFFER_CONFIG)).isEqualTo(-1);
        assertThat(base.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
    }

    @Test
    void aClientThatNamesAStoreFileTakesItAgainWhenItChangesUnlessItNamesAFactoryOfItsOwn() {
        Properties truststore = KafkaClientSettings.base("kafka-1:9093", KafkaClientSettings.fromEnvironment(new Environment(Map.of(
                "INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                "INKSTREAM_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/inkstream/kafka-ca.p12"))));
        assertThat(truststore.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)).isEqualTo(RenewingKafkaSslEngineFactory.class.getName());
        Properties keystore = KafkaClientSettings.base("kafka-1:9093", KafkaClientSettings.fromEnvironment(new Environment(Map.of(
                "INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                "INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION", "/etc/inkstream/kafka-client.p12"))));
        assertThat(keystore.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)).isEqualTo(RenewingKafkaSslEngineFactory.class.getName());

        Properties own = KafkaClientSettings.base("kafka-1:9093", KafkaClientSettings.fromEnvironment(new Environment(Map.of(
                "INKSTREAM_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/inkstream/kafka-ca.p12",
                "INKSTREAM_KAFKA_CLIENT_SSL_ENGINE_FACTORY_CLASS", "com.example.VaultSslEngineFactory"))));
        assertThat(own.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)).as("the operator's own").isEqualTo("com.example.VaultSslEngineFactory");
        assertThat(KafkaClientSettings.base("kafka-1:9092", new Properties())).as("no store file, nothing to take again")
                .doesNotContainKey(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG);
    }

    @Test
    void aSettingsVariableIsNamedTheWayThePassThroughReadsIt() {
        String variable = Environment.passedThroughAs(KafkaClientSettings.PREFIX, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        assertThat(variable).isEqualTo("INKSTREAM_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION");
        assertThat(KafkaClientSettings.fromEnvironment(new Environment(Map.of(variable, "/etc/k.p12"))))
                .containsEntry(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, "/etc/k.p12");
    }
}
