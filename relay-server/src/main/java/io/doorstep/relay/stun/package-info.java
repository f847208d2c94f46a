/**
 * The STUN message layer of the TURN relay: a pure codec (RFC 8489 STUN, RFC 8656 TURN, RFC 6062 TCP
 * allocations) with no channel code, used by the UDP and TCP/TLS transports alike.
 *
 * <ul>
 *   <li>{@link io.doorstep.relay.stun.StunMessage} — class, method, transaction ID and sealed
 *       {@link io.doorstep.relay.stun.StunAttribute} records; immutable, holds no buffers.</li>
 *   <li>{@link io.doorstep.relay.stun.StunCodec} — decode (throws only
 *       {@link io.doorstep.relay.stun.StunParseException}), encode with MESSAGE-INTEGRITY(-SHA256) and
 *       FINGERPRINT, verification, demultiplexing and stream framing.</li>
 *   <li>{@link io.doorstep.relay.stun.ChannelData} — allocation-free ChannelData header helpers.</li>
 *   <li>{@link io.doorstep.relay.stun.LongTermKey}, {@link io.doorstep.relay.stun.Integrity} — credentials.</li>
 *   <li>{@link io.doorstep.relay.stun.AttributeType}, {@link io.doorstep.relay.stun.ErrorCodes},
 *       {@link io.doorstep.relay.stun.StunMethod} — every magic number, once.</li>
 * </ul>
 *
 * <p>Buffer ownership: methods that read a ByteBuf read its readable bytes without moving its indices and without
 * retaining or releasing it; methods that return a ByteBuf hand the caller a new buffer with reference count 1.
 * A decoded message copies what it keeps (DATA included), so the input can be released as soon as decode returns.
 */
package io.doorstep.relay.stun;
