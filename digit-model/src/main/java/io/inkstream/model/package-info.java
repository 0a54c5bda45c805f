/**
 * The MNIST network: DL4J configurations of the architectures, training, evaluation, IDX reading,
 * models built from checked artifacts, and batched inference. Images are judged and preprocessed,
 * and artifacts read and checked, by {@code digit-image}. No Kafka.
 */
package io.inkstream.model;
