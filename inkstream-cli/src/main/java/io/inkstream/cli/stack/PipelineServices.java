package io.inkstream.cli.stack;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import io.inkstream.sink.SinkService;

/**
 * The three services in one JVM, each configured from the same environment as its container
 * would be: what the local run starts on its broker and node, and what the end-to-end tests
 * start on theirs. Closes the gateway first (no new uploads), then the classifier and the sink.
 */
public record PipelineServices(SinkService sink, ClassifierService classifier, GatewayService gateway) implements AutoCloseable {

    public static PipelineServices start(Environment env) {
        SinkService sink = SinkService.start(SinkConfig.fromEnvironment(env));
        ClassifierService classifier;
        try {
            classifier = ClassifierService.start(ClassifierConfig.fromEnvironment(env));
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        try {
            return new PipelineServices(sink, classifier, GatewayService.start(GatewayConfig.fromEnvironment(env)));
        } catch (RuntimeException e) {
            classifier.close();
            sink.close();
            throw e;
        }
    }

    @Override
    public void close() {
        gateway.close();
        classifier.close();
        sink.close();
    }
}
