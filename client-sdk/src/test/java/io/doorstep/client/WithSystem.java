package io.doorstep.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests that need a whole Doorstep system (signalling and relay on loopback), one per test class. */
abstract class WithSystem {
    static DoorstepSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = DoorstepSystem.start();
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }
}
