package io.doorstep.relay;

import io.doorstep.config.ConfigException;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code doorstep-relay [--config file.yaml]}: runs the relay (TURN and documents). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("usage: doorstep-relay [--config file.yaml]");
                System.exit(2);
            }
        }
        RelayApp app;
        try {
            app = new RelayApp(RelayConfig.load(file, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("doorstep-relay: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            app.start();
        } catch (Exception e) { // e.g. a port in use or an unreadable certificate: stop, do not hang half-started
            System.err.println("doorstep-relay: cannot start: " + e.getMessage());
            app.close();
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
