/**
 * The MNIST model: architectures, training, evaluation, IDX reading, image preprocessing, the
 * artifact format and batched inference. No Kafka.
 */
package io.inkstream.model;
