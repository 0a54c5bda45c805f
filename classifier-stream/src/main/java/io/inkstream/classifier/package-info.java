/**
 * The Kafka Streams application from images to predictions (issue 4): decode, micro-batch,
 * infer, emit; dead letters to images.dlq; model hot swap from the compacted models topic; reclassify runs.
 */
package io.inkstream.classifier;
