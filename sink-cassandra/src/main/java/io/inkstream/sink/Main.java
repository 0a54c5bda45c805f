package io.inkstream.sink;

import io.inkstream.contract.config.Environment;
import java.util.concurrent.CountDownLatch;

/** Container entry point: configuration from the environment, stop on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SinkService service = SinkService.start(SinkConfig.fromEnvironment(Environment.system()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "sink-shutdown"));
        stopped.await();
    }
}
