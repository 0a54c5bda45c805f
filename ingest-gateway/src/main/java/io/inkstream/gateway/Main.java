package io.inkstream.gateway;

import io.inkstream.contract.config.Environment;
import io.inkstream.ops.ServiceMain;

/** Container entry point: configuration from the environment, a clean stop on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("gateway", () -> GatewayService.start(GatewayConfig.fromEnvironment(Environment.system())));
    }
}
