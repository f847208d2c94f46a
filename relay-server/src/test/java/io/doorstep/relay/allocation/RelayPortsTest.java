package io.doorstep.relay.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The relayed port range: every port once, even ports with their odd neighbour, and back again. */
class RelayPortsTest {
    @Test
    void handsOutEveryPortOnceThenMinusOne() {
        RelayPorts ports = new RelayPorts(50000, 50009);
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            taken.add(ports.take());
        }
        assertThat(taken).hasSize(10).allSatisfy(p -> assertThat(p).isBetween(50000, 50009));
        assertThat(ports.take()).isEqualTo(-1);
        assertThat(ports.takeEven(false)).isEqualTo(-1);
        assertThat(ports.inUse()).isEqualTo(10);

        ports.release(50004);
        assertThat(ports.take()).isEqualTo(50004);
    }

    @Test
    void evenPortsAreEvenAndReserveTheNextOneWhenAsked() {
        RelayPorts ports = new RelayPorts(50000, 50001);
        assertThat(ports.takeEven(true)).isEqualTo(50000);
        assertThat(ports.inUse()).isEqualTo(2);
        assertThat(ports.take()).as("50001 is reserved").isEqualTo(-1);

        ports.release(50001);
        assertThat(ports.take()).isEqualTo(50001);
    }

    @Test
    void anEvenPortWhoseNeighbourIsOutsideTheRangeCannotReserveIt() {
        RelayPorts ports = new RelayPorts(50001, 50002);
        assertThat(ports.takeEven(true)).isEqualTo(-1);
        assertThat(ports.takeEven(false)).isEqualTo(50002);
        assertThat(ports.takeEven(false)).as("50001 is odd").isEqualTo(-1);
        assertThat(ports.take()).isEqualTo(50001);
    }

    @Test
    void takeEvenSkipsPairsWithATakenNeighbour() {
        RelayPorts ports = new RelayPorts(50000, 50003);
        for (int i = 0; i < 4; i++) {
            ports.take();
        }
        ports.release(50000);
        ports.release(50002);
        ports.release(50003);
        assertThat(ports.takeEven(true)).isEqualTo(50002);
        assertThat(ports.takeEven(false)).isEqualTo(50000);
    }

    @Test
    void releasingAPortNotInUseChangesNothing() {
        RelayPorts ports = new RelayPorts(50000, 50001);
        ports.release(50000);
        ports.release(40000);
        ports.release(70000);
        assertThat(ports.inUse()).isZero();
        ports.take();
        ports.take();
        assertThat(ports.take()).isEqualTo(-1);
    }

    @Test
    void anInvalidRangeIsRefused() {
        assertThatThrownBy(() -> new RelayPorts(50001, 50000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayPorts(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayPorts(60000, 65536)).isInstanceOf(IllegalArgumentException.class);
    }
}
