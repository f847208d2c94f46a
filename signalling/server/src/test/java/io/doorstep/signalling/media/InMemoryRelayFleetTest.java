package io.doorstep.signalling.media;

/** The single box's fleet, on a clock of the test's own. */
class InMemoryRelayFleetTest extends RelayFleetContract {
    private long now = 10_000;

    @Override
    protected RelayFleet newFleet() {
        return new InMemoryRelayFleet();
    }

    @Override
    protected long now() {
        return now;
    }

    @Override
    protected void pass(long millis) {
        now += millis;
    }
}
