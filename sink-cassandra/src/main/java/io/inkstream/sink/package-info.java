/**
 * Predictions into Cassandra (issue 5): schema, prepared statements, bounded asynchronous
 * writes, offsets committed only after the rows are written, dead letters to predictions.dlq.
 */
package io.inkstream.sink;
