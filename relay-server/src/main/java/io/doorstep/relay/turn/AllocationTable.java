package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import java.net.InetSocketAddress;

/**
 * The allocations of one client-facing socket, keyed by the client's address: the rest of the 5-tuple (server
 * address, transport) is the socket itself. A UDP listener holds many; a TCP connection at most one. Used only on
 * the socket's event loop.
 */
public interface AllocationTable {
    Allocation get(InetSocketAddress client);

    void put(InetSocketAddress client, Allocation allocation);

    void remove(InetSocketAddress client, Allocation allocation);
}
