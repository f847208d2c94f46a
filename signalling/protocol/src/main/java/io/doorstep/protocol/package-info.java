/**
 * The Doorstep signalling wire protocol: JSON text frames over one WebSocket.
 *
 * <p>{@link io.doorstep.protocol.ClientMessage} lists everything a station, agent or operator may send,
 * {@link io.doorstep.protocol.ServerMessage} everything the server sends back, and
 * {@link io.doorstep.protocol.ProtocolCodec} turns both into bytes and back. The server, the client SDK and the
 * load tests all speak through this artifact, so the protocol has exactly one definition. {@code docs/protocol.md}
 * describes every message with an example.
 */
package io.doorstep.protocol;
