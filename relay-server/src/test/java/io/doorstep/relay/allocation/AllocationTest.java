package io.doorstep.relay.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One allocation's permissions, channel bindings, bandwidth budget and remembered answer, on a fake clock. */
class AllocationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final EmbeddedChannel clientChannel = new EmbeddedChannel();
    private final EmbeddedChannel relayChannel = new EmbeddedChannel();
    private final InetSocketAddress peerA = address("198.51.100.1", 5000);
    private final InetSocketAddress peerB = address("198.51.100.2", 5000);

    @AfterEach
    void close() {
        clientChannel.finishAndReleaseAll();
        relayChannel.finishAndReleaseAll();
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Allocation allocation(long bytesPerSecond) {
        return new Allocation("alice", new byte[16],
                new ClientLink.Udp(clientChannel, address("203.0.113.9", 40000), null),
                relayChannel, address("203.0.113.1", 50000), System.nanoTime() + 600 * SECOND, bytesPerSecond);
    }

    @Test
    void aPermissionIsForTheIpAddressAndLastsFiveMinutes() {
        Allocation a = allocation(0);
        long now = System.nanoTime();

        a.permit(peerA.getAddress(), now);

        assertThat(a.permits(peerA.getAddress(), now)).isTrue();
        assertThat(a.permits(address("198.51.100.1", 1).getAddress(), now)).as("any port of the IP").isTrue();
        assertThat(a.permits(peerB.getAddress(), now)).isFalse();
        assertThat(a.permits(peerA.getAddress(), now + 300 * SECOND - 1)).isTrue();
        assertThat(a.permits(peerA.getAddress(), now + 300 * SECOND)).as("RFC 8656 §9: 300 s").isFalse();
        a.permit(peerA.getAddress(), now + 200 * SECOND); // refreshed
        assertThat(a.permits(peerA.getAddress(), now + 400 * SECOND)).isTrue();
    }

    @Test
    void channelBindingRules() {
        Allocation a = allocation(0);
        long now = System.nanoTime();

        assertThat(a.bind(0x4000, peerA, now)).isTrue();
        assertThat(a.permits(peerA.getAddress(), now)).as("a binding installs a permission").isTrue();
        assertThat(a.bind(0x4000, peerB, now)).as("number already bound to another peer").isFalse();
        assertThat(a.bind(0x4001, peerA, now)).as("peer already bound to another number").isFalse();
        assertThat(a.bind(0x4000, peerA, now + 100 * SECOND)).as("refresh").isTrue();
        assertThat(a.bind(0x4001, peerB, now)).isTrue();

        assertThat(a.channel(0x4000).peer()).isEqualTo(peerA);
        assertThat(a.channelTo(peerB).number()).isEqualTo(0x4001);
        assertThat(a.channel(0x4000).expiresAtNanos()).isEqualTo(now + 700 * SECOND);
        assertThat(a.channelCount()).isEqualTo(2);
    }

    @Test
    void expireSweepsStalePermissionsAndBindingsAndFreesTheirNumbers() {
        Allocation a = allocation(0);
        long now = System.nanoTime();
        a.bind(0x4000, peerA, now);
        a.permit(peerB.getAddress(), now + 400 * SECOND);

        a.expire(now + 500 * SECOND);
        assertThat(a.channelCount()).as("bindings live 600 s").isEqualTo(1);
        assertThat(a.permissionCount()).as("peerA's permission (300 s) went, peerB's stays").isEqualTo(1);

        a.expire(now + 600 * SECOND);
        assertThat(a.channelCount()).isZero();
        assertThat(a.channel(0x4000)).isNull();
        assertThat(a.channelTo(peerA)).isNull();
        assertThat(a.bind(0x4000, peerB, now + 600 * SECOND)).as("the number is free again").isTrue();
    }

    @Test
    void theBandwidthBudgetIsATokenBucketOfOneSecond() {
        Allocation a = allocation(1000);
        long now = System.nanoTime();

        assertThat(a.spend(600, now)).isTrue();
        assertThat(a.spend(600, now)).as("400 left").isFalse();
        assertThat(a.spend(400, now)).isTrue();
        assertThat(a.spend(1, now)).isFalse();
        assertThat(a.spend(600, now + SECOND * 6 / 10)).as("600 refilled in 0.6 s").isTrue();
        assertThat(a.spend(1000, now + 60 * SECOND)).as("never more than one second's worth").isTrue();
        assertThat(a.spend(1, now + 60 * SECOND)).isFalse();
    }

    @Test
    void withoutABudgetEverythingPasses() {
        Allocation a = allocation(0);
        assertThat(a.spend(Integer.MAX_VALUE, System.nanoTime())).isTrue();
    }

    @Test
    void theCreatingAnswerIsGivenOnlyForTheCreatingTransaction() {
        Allocation a = allocation(0);
        byte[] tid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        byte[] answer = {42, 43};

        a.createdBy(tid, answer);
        answer[0] = 0; // the allocation kept its own copy

        assertThat(a.responseTo(tid.clone())).containsExactly(42, 43);
        assertThat(a.responseTo(new byte[12])).isNull();
        assertThat(allocation(0).responseTo(tid)).as("nothing remembered yet").isNull();
    }

    @Test
    void theKeyIsCopied() {
        byte[] key = new byte[16];
        Allocation a = new Allocation("alice", key, new ClientLink.Udp(clientChannel, peerA, null), relayChannel, peerB,
                System.nanoTime(), 0);
        key[0] = 1;
        assertThat(a.key()[0]).isZero();
    }
}
