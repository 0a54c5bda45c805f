package io.inkstream.classifier.errors;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a record cannot be written. A record that can never be written (too large for
 * the topic, unserialisable) is logged and skipped: failing would replay the same input, fail
 * again, and crash-loop. Transient broker trouble is retried; anything else fails the task,
 * which Kafka Streams restarts from the last commit without losing anything.
 */
public final class ProductionErrors implements ProductionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProductionErrors.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            log.error("record skipped topic={} task={} reason=\"{}\"", record.topic(), context.taskId(), exception.getMessage());
            return Response.resume();
        }
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        log.error("record skipped topic={} task={} reason=\"cannot serialise the {}: {}\"", record.topic(), context.taskId(),
                origin.name().toLowerCase(Locale.ROOT), exception.getMessage());
        return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
