package io.inkstream.ops;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every service's {@code main} does: start it, and close it cleanly on SIGTERM or Ctrl-C. */
public final class ServiceMain {
    private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

    private ServiceMain() {
    }

    /** Starts the service and blocks until the JVM is asked to stop; a failed start exits with status 1. */
    public static void run(String name, Supplier<? extends AutoCloseable> start) throws InterruptedException {
        AutoCloseable service;
        try {
            service = start.get();
        } catch (RuntimeException e) {
            log.error("{} failed to start: {}", name, e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                log.error("{} did not stop cleanly: {}", name, e.getMessage(), e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
