package io.inkstream.classifier.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class ProductionErrorsTest {
    private final ProductionErrors handler = new ProductionErrors();
    private final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("predictions", new byte[] {1}, new byte[] {2});
    private final ErrorHandlerContext context = (ErrorHandlerContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ErrorHandlerContext.class}, (proxy, method, args) -> method.getName().equals("taskId") ? new TaskId(0, 3) : null);

    @Test
    void aRecordThatCanNeverBeWrittenIsSkippedSoTheTaskDoesNotCrashLoop() {
        assertThat(handler.handleError(context, record, new RecordTooLargeException("too big")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(handler.handleSerializationError(context, record, new SerializationException("bad"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE).result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
    }

    @Test
    void transientBrokerTroubleIsRetriedAndAnythingElseFailsTheTask() {
        assertThat(handler.handleError(context, record, new NotEnoughReplicasException("isr")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(handler.handleError(context, record, new AuthorizationException("denied")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
}
