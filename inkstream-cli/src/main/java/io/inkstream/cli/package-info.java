/**
 * The inkstream command (issue 7): up, train, evaluate, classify, publish-model, reclassify,
 * produce, predictions, bench.
 */
package io.inkstream.cli;
