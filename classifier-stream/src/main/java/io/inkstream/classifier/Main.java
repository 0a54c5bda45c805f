package io.inkstream.classifier;

import io.inkstream.contract.config.Environment;
import java.util.concurrent.CountDownLatch;

/** Container entry point: configuration from the environment, stop on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ClassifierService service = ClassifierService.start(ClassifierConfig.fromEnvironment(Environment.system()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "classifier-shutdown"));
        stopped.await();
    }
}
