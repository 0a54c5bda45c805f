package io.inkstream.sink;

import io.inkstream.contract.prediction.Prediction;
import io.inkstream.store.ImageFailure;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A polled record and what it becomes: a prediction's rows, or an image's failure (the other is null). */
record Polled(ConsumerRecord<String, byte[]> record, Prediction prediction, ImageFailure failure) {
}
