package io.doorstep.relay.stun;

import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.util.Objects;

/** Argument checks shared by the attribute records. */
final class Checks {

    private Checks() {
    }

    static void resolved(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("STUN carries IP addresses, not names: " + address);
        }
    }

    static void length(byte[] value, int length, String what) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
    }

    static void u8(int value, String what) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(what + " out of range 0-255: " + value);
        }
    }

    static void u16(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " out of range 0-65535: " + value);
        }
    }

    /** RFC 8489 §14.8: class 3-6 is the hundreds digit, number 0-99 the rest. */
    static void errorCode(int code) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("STUN error code out of range 300-699: " + code);
        }
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
