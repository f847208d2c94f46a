package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.doorstep.protocol.Devices.Barcode;
import io.doorstep.protocol.Devices.IdCard;
import io.doorstep.protocol.Devices.Kind;
import io.doorstep.protocol.Media.IceCandidate;
import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Media.SessionDescription;
import java.util.List;

/**
 * A message from the signalling server to a client. On the wire each one also carries {@code seq}: 1, 2, 3, ... per
 * session, so a client that reconnects can say what it last received and get the rest replayed. Handshake replies
 * ({@code welcome}, and errors before sign-in) carry {@code seq: 0} and are never replayed.
 *
 * <p>{@code re} is set when the message answers a client request that had an {@code id}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ServerMessage.Ok.class, name = "ok"),
        @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
        @JsonSubTypes.Type(value = ServerMessage.CallQueued.class, name = "call.queued"),
        @JsonSubTypes.Type(value = ServerMessage.CallOffer.class, name = "call.offer"),
        @JsonSubTypes.Type(value = ServerMessage.OfferWithdrawn.class, name = "call.offer.withdrawn"),
        @JsonSubTypes.Type(value = ServerMessage.CallConnected.class, name = "call.connected"),
        @JsonSubTypes.Type(value = ServerMessage.CallEnded.class, name = "call.ended"),
        @JsonSubTypes.Type(value = ServerMessage.PeerReconnecting.class, name = "peer.reconnecting"),
        @JsonSubTypes.Type(value = ServerMessage.PeerReconnected.class, name = "peer.reconnected"),
        @JsonSubTypes.Type(value = ServerMessage.CallRelayMoved.class, name = "call.relay.moved"),
        @JsonSubTypes.Type(value = ServerMessage.AgentStateChanged.class, name = "agent.state"),
        @JsonSubTypes.Type(value = ServerMessage.Sdp.class, name = "signal.sdp"),
        @JsonSubTypes.Type(value = ServerMessage.Ice.class, name = "signal.ice"),
        @JsonSubTypes.Type(value = ServerMessage.IdCardRead.class, name = "device.idcard"),
        @JsonSubTypes.Type(value = ServerMessage.BarcodeScan.class, name = "device.barcode"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentsAccess.class, name = "documents.access"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentOffered.class, name = "document.offered"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentProgress.class, name = "document.progress"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentCompleted.class, name = "document.completed"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentAbandoned.class, name = "document.abandoned"),
        @JsonSubTypes.Type(value = ServerMessage.DocumentDeleted.class, name = "document.deleted"),
        @JsonSubTypes.Type(value = ServerMessage.PrintJob.class, name = "print.job"),
        @JsonSubTypes.Type(value = ServerMessage.PrintResult.class, name = "print.result"),
        @JsonSubTypes.Type(value = ServerMessage.SessionReplaced.class, name = "session.replaced"),
        @JsonSubTypes.Type(value = ServerMessage.ServerShutdown.class, name = "server.shutdown"),
        @JsonSubTypes.Type(value = ServerMessage.DeviceRequest.class, name = "device.request"),
        @JsonSubTypes.Type(value = ServerMessage.DeviceDeclined.class, name = "device.declined"),
        @JsonSubTypes.Type(value = ServerMessage.DashboardSnapshot.class, name = "dashboard.snapshot"),
        @JsonSubTypes.Type(value = ServerMessage.DashboardUpdate.class, name = "dashboard.update"),
})
public sealed interface ServerMessage {

    /** Who signed in, as the directory knows them. */
    record Identity(String id, String name, Role role) {
    }

    /** How often the client must ping, and after how long without any message the server drops the connection. */
    record Heartbeat(long intervalMs, long timeoutMs) {
    }

    /** Limits the client must respect. */
    record Limits(int maxFrameBytes, int maxDevicePayloadBytes, int messagesPerSecond, int burst) {
    }

    /** A station as an agent sees it in an offer. */
    record StationInfo(String id, String name, String town, String village) {
    }

    /** A service item, as in the catalogue. */
    record ServiceItemInfo(String code, String nameZh, String nameEn, String skillGroup) {
    }

    /** The other party of a call. */
    record Peer(String id, String name, Role role) {
    }

    /**
     * Sign-in accepted. {@code resumed} says whether an earlier session was resumed; when a resume was asked for and
     * refused, {@code resumeError} says why and this is a fresh session. {@code lastSeq} is the last seq the server
     * has sent on this session (0 for a fresh one); replayed messages follow the welcome.
     */
    record Welcome(String re, String sessionId, Identity identity, Heartbeat heartbeat, long resumeGraceMs,
                   boolean resumed, String resumeError, long lastSeq, Limits limits, long serverTime)
            implements ServerMessage {
    }

    /** Answer to {@code ping}. */
    record Pong(String re, long serverTime) implements ServerMessage {
    }

    /** A request with an id that has no more specific answer was applied. */
    record Ok(String re) implements ServerMessage {
    }

    /** A request failed; {@code re} names it when it had an id. Nothing of it was applied. */
    record Error(String re, ErrorCode code, String message, String callId) implements ServerMessage {
    }

    /**
     * To a station: its call is in the queue at {@code position} (1 = next), with an estimated wait in seconds (null
     * when no agent for this skill group is on duty). Sent on request and again whenever position, estimate or
     * {@code ringing} (an agent's console is ringing for this call) changes.
     */
    record CallQueued(String re, String callId, ServiceItemInfo serviceItem, boolean priority, int position,
                      Integer estimatedWaitSeconds, boolean ringing) implements ServerMessage {
    }

    /** To an agent: a call is ringing; accept or reject within {@code ringTimeoutMs}. */
    record CallOffer(String callId, StationInfo station, ServiceItemInfo serviceItem, boolean priority,
                     long waitedMs, long ringTimeoutMs) implements ServerMessage {
    }

    /**
     * To an agent: the offer is no longer valid. {@code cause}: RING_TIMEOUT, CANCELLED, CONNECTION_LOST,
     * STATION_LOST, SIGNED_OUT, SERVER_SHUTDOWN.
     */
    record OfferWithdrawn(String callId, String cause) implements ServerMessage {
    }

    /**
     * To both parties: the call is connected. Set up media with {@code iceServers} (TURN credentials valid for this
     * call only); the {@code initiator} (the station) creates the SDP offer.
     */
    record CallConnected(String re, String callId, Peer peer, ServiceItemInfo serviceItem, boolean initiator,
                         List<IceServer> iceServers, String iceTransportPolicy) implements ServerMessage {
    }

    /** To both parties: the call ended, with the reason, a finer cause, and who ended it (null: the server). */
    record CallEnded(String re, String callId, EndReason reason, String cause, Role by) implements ServerMessage {
    }

    /** The peer's connection dropped; it has {@code graceMs} to come back before the call ends. */
    record PeerReconnecting(String callId, long graceMs) implements ServerMessage {
    }

    /** The peer is back; restart ICE if the media path broke. */
    record PeerReconnected(String callId) implements ServerMessage {
    }

    /**
     * To both parties of a connected call: its relay is gone (shut down or stopped reporting), these are the ICE
     * servers of the relay it moves to. Replace the peer connection's ICE servers; the initiator restarts ICE.
     */
    record CallRelayMoved(String callId, List<IceServer> iceServers) implements ServerMessage {
        public CallRelayMoved {
            iceServers = List.copyOf(iceServers);
        }
    }

    /** To an agent: its state now; {@code cause} when the server changed it (RING_TIMEOUT, CALL_ENDED, ...). */
    record AgentStateChanged(String re, AgentState state, String cause, Long wrapUpEndsAt) implements ServerMessage {
    }

    /** The peer's SDP. */
    record Sdp(String callId, SessionDescription description) implements ServerMessage {
    }

    /** The peer's ICE candidate. */
    record Ice(String callId, IceCandidate candidate) implements ServerMessage {
    }

    /** To the agent: the station's ID-card read. */
    record IdCardRead(String callId, IdCard card) implements ServerMessage {
    }

    /** To the agent: the station's barcode scan. */
    record BarcodeScan(String callId, Barcode barcode) implements ServerMessage {
    }

    /**
     * To a party of a connected call: where the call's documents are ({@code url}, the document relay's tus endpoint)
     * and the bearer token for them (this call, this role, upload and read), valid until {@code expiresAt} (epoch
     * ms). Sent after call.connected, after every resume or reconnect, and as the answer to documents.token.
     */
    record DocumentsAccess(String re, String callId, String url, String token, long expiresAt)
            implements ServerMessage {
    }

    /**
     * To both parties: a document of the call was created on the relay and its bytes are coming. {@code filename},
     * {@code page} and {@code device} are the uploader's metadata; {@code mediaType} (as recognised from the content:
     * image/jpeg, image/png, application/pdf) is null until the first bytes are in.
     */
    record DocumentOffered(String callId, String documentId, String filename, String mediaType, Integer page,
                           String device, Role uploadedBy, long length) implements ServerMessage {
    }

    /** To both parties: {@code offset} of {@code length} bytes have arrived (at most once per progress interval). */
    record DocumentProgress(String callId, String documentId, long offset, long length) implements ServerMessage {
    }

    /** To both parties: every byte is in and on disk; {@code sha256} (hex) is the whole document's. */
    record DocumentCompleted(String callId, String documentId, String mediaType, long length, String sha256)
            implements ServerMessage {
    }

    /** To both parties: the upload ended unfinished: {@code reason} terminated, expired or type. */
    record DocumentAbandoned(String callId, String documentId, String reason) implements ServerMessage {
    }

    /** To both parties: the document is gone from the relay: {@code reason} terminated, expired, type or retention. */
    record DocumentDeleted(String callId, String documentId, String reason) implements ServerMessage {
    }

    /** To the station: print {@code copies} of a document of the call; fetch it from the relay and check its hash. */
    record PrintJob(String callId, String jobId, String documentId, int copies, String mediaType, long length,
                    String sha256) implements ServerMessage {
    }

    /** To the agent: the station's outcome of its print job. */
    record PrintResult(String callId, String jobId, String documentId, PrintStatus status, String reason)
            implements ServerMessage {
    }

    /** The same identity signed in elsewhere; this connection is closed next. Do not reconnect automatically. */
    record SessionReplaced(String reason) implements ServerMessage {
    }

    /**
     * The server is going down. {@code action}: {@code reconnect} (no call in progress: reconnect after
     * {@code reconnectAfterMs}, to another node where there is one) or {@code finish_call} (the current call may
     * finish; the connection closes when it ends or at {@code deadline}, epoch ms).
     */
    record ServerShutdown(String action, long reconnectAfterMs, long deadline) implements ServerMessage {
        public static final String RECONNECT = "reconnect";
        public static final String FINISH_CALL = "finish_call";
    }

    /** To the station: its agent asks for a scan, an ID-card read or a barcode; prompt the staff with the prompt. */
    record DeviceRequest(String callId, String requestId, Kind device, String prompt) implements ServerMessage {
    }

    /** To the agent: the station could not carry out its device request {@code requestId}. */
    record DeviceDeclined(String callId, String requestId, String reason) implements ServerMessage {
    }

    /**
     * The answer to {@code dashboard.subscribe}: the station directory, the last hours of per-minute history (oldest
     * first, minutes without calls left out) and the live view.
     */
    record DashboardSnapshot(String re, long serverTime, List<Dashboard.Station> stations,
                             List<Dashboard.Minute> history, Dashboard.Live live) implements ServerMessage {
    }

    /**
     * What changed since the last snapshot or update: the live view when it differs ({@code live} absent when not),
     * and the minutes of history that changed (usually the current one).
     */
    record DashboardUpdate(long serverTime, List<Dashboard.Minute> history, Dashboard.Live live)
            implements ServerMessage {
    }
}
