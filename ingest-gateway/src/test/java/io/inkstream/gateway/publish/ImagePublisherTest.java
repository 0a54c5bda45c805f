package io.inkstream.gateway.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.image.ImageFormat;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** When an upload's future completes: the 202 waits for it. A producer that never hears from the broker shows the difference. */
class ImagePublisherTest {
    private static final List<Upload> UPLOAD = List.of(new Upload("image-1", new byte[784], ImageFormat.RAW_MNIST, Optional.empty(),
            OptionalInt.empty()));

    @Test
    void completesOnlyOnceTheBrokerAcknowledges() {
        MockProducer<String, byte[]> broker = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        CompletableFuture<Void> published = new ImagePublisher(broker, GatewayConfig.Answer.AFTER_ACK).publish(UPLOAD, Instant.now());
        assertThat(published).isNotDone();
        broker.completeNext();
        assertThat(published).isCompleted();
    }

    @Test
    void theNegativeControlsAnswerCompletesBeforeTheBrokerHasTheImage() {
        MockProducer<String, byte[]> broker = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        CompletableFuture<Void> published = new ImagePublisher(broker, GatewayConfig.Answer.BEFORE_ACK_UNSAFE).publish(UPLOAD, Instant.now());
        assertThat(published).isCompleted();
        broker.errorNext(new org.apache.kafka.common.errors.TimeoutException("expired"));
        assertThat(published).as("the loss is not reported to anyone: what the control must make visible").isCompleted();
    }
}
