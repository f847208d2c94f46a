package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.doorstep.protocol.Devices.Barcode;
import io.doorstep.protocol.Devices.Health;
import io.doorstep.protocol.Devices.IdCard;
import io.doorstep.protocol.Devices.Kind;
import io.doorstep.protocol.Media.IceCandidate;
import io.doorstep.protocol.Media.SessionDescription;
import java.util.List;

/**
 * A message from a client (station, agent or operator) to the signalling server.
 *
 * <p>Every message may carry an {@code id} chosen by the client. A message with an id gets exactly one reply that
 * names it in {@code re}: its specific answer, {@code ok}, or {@code error}. A message without an id is answered
 * only when it fails, except {@code ping}, which always gets a {@code pong}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClientMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ClientMessage.Bye.class, name = "bye"),
        @JsonSubTypes.Type(value = ClientMessage.CallRequest.class, name = "call.request"),
        @JsonSubTypes.Type(value = ClientMessage.CallCancel.class, name = "call.cancel"),
        @JsonSubTypes.Type(value = ClientMessage.CallAccept.class, name = "call.accept"),
        @JsonSubTypes.Type(value = ClientMessage.CallReject.class, name = "call.reject"),
        @JsonSubTypes.Type(value = ClientMessage.CallHangup.class, name = "call.hangup"),
        @JsonSubTypes.Type(value = ClientMessage.SetAgentState.class, name = "agent.state"),
        @JsonSubTypes.Type(value = ClientMessage.Sdp.class, name = "signal.sdp"),
        @JsonSubTypes.Type(value = ClientMessage.Ice.class, name = "signal.ice"),
        @JsonSubTypes.Type(value = ClientMessage.IdCardRead.class, name = "device.idcard"),
        @JsonSubTypes.Type(value = ClientMessage.BarcodeScan.class, name = "device.barcode"),
        @JsonSubTypes.Type(value = ClientMessage.DocumentsToken.class, name = "documents.token"),
        @JsonSubTypes.Type(value = ClientMessage.PrintRequest.class, name = "print.request"),
        @JsonSubTypes.Type(value = ClientMessage.PrintResult.class, name = "print.result"),
        @JsonSubTypes.Type(value = ClientMessage.DeviceStatus.class, name = "device.status"),
        @JsonSubTypes.Type(value = ClientMessage.DeviceRequest.class, name = "device.request"),
        @JsonSubTypes.Type(value = ClientMessage.DeviceDeclined.class, name = "device.declined"),
        @JsonSubTypes.Type(value = ClientMessage.CallStats.class, name = "call.stats"),
        @JsonSubTypes.Type(value = ClientMessage.DashboardSubscribe.class, name = "dashboard.subscribe"),
})
public sealed interface ClientMessage {

    /** The client's request id, echoed as {@code re} in the reply; may be null. */
    String id();

    /** A message that belongs to one call. */
    sealed interface InCall extends ClientMessage {
        String callId();
    }

    /** First message on every connection: sign in, or resume a session after a drop. */
    record Hello(String id, String token, Resume resume) implements ClientMessage {
        public Hello {
            Fields.requiredText(token, "token", 8192);
        }
    }

    /** Resume a session: its id and the last {@code seq} this client received. */
    record Resume(String sessionId, long lastSeq) {
        public Resume {
            Fields.requiredText(sessionId, "resume.sessionId", 64);
            Fields.nonNegative(lastSeq, "resume.lastSeq");
        }
    }

    /** Heartbeat; {@code ack} is the last seq received, so the server can drop what it kept for replay. */
    record Ping(String id, long ack) implements ClientMessage {
        public Ping {
            Fields.nonNegative(ack, "ack");
        }
    }

    /** Sign out: ends the session now, without a grace period. */
    record Bye(String id) implements ClientMessage {
    }

    /** Station: ask for a call about one service item; {@code priority} for elderly or disabled villagers. */
    record CallRequest(String id, String serviceItem, boolean priority) implements ClientMessage {
        public CallRequest {
            Fields.requiredText(serviceItem, "serviceItem", 32);
        }
    }

    /** Station: cancel its call before an agent answers. */
    record CallCancel(String id, String callId) implements InCall {
        public CallCancel {
            Fields.requiredText(callId, "callId", 64);
        }
    }

    /** Agent: accept the call offered to it. */
    record CallAccept(String id, String callId) implements InCall {
        public CallAccept {
            Fields.requiredText(callId, "callId", 64);
        }
    }

    /** Agent: reject the call offered to it; it goes to the next agent. */
    record CallReject(String id, String callId, String reason) implements InCall {
        public CallReject {
            Fields.requiredText(callId, "callId", 64);
            Fields.maxLength(reason, "reason", 256);
        }
    }

    /** Either party: end a connected call. {@code reason} {@code media_failed} ends it as failed. */
    record CallHangup(String id, String callId, String reason) implements InCall {
        public static final String MEDIA_FAILED = "media_failed";

        public CallHangup {
            Fields.requiredText(callId, "callId", 64);
            Fields.maxLength(reason, "reason", 64);
        }
    }

    /** Agent: become {@code available} (also ends wrap-up) or {@code away}. */
    record SetAgentState(String id, AgentState state) implements ClientMessage {
        public SetAgentState {
            Fields.required(state, "state");
            Fields.check(state == AgentState.AVAILABLE || state == AgentState.AWAY,
                    "state must be available or away");
        }
    }

    /** Either party: an SDP offer or answer for the peer. */
    record Sdp(String id, String callId, SessionDescription description) implements InCall {
        public Sdp {
            Fields.requiredText(callId, "callId", 64);
            Fields.required(description, "description");
        }
    }

    /** Either party: an ICE candidate for the peer. */
    record Ice(String id, String callId, IceCandidate candidate) implements InCall {
        public Ice {
            Fields.requiredText(callId, "callId", 64);
            Fields.required(candidate, "candidate");
        }
    }

    /** Station: an ID-card read for its agent. Personal data: forwarded, never logged. */
    record IdCardRead(String id, String callId, IdCard card) implements InCall {
        public IdCardRead {
            Fields.requiredText(callId, "callId", 64);
            Fields.required(card, "card");
        }
    }

    /** Station: a scanned barcode for its agent. */
    record BarcodeScan(String id, String callId, Barcode barcode) implements InCall {
        public BarcodeScan {
            Fields.requiredText(callId, "callId", 64);
            Fields.required(barcode, "barcode");
        }
    }

    /** Either party of a connected call: a fresh document token for the call (answered with documents.access). */
    record DocumentsToken(String id, String callId) implements InCall {
        public DocumentsToken {
            Fields.requiredText(callId, "callId", 64);
        }
    }

    /** Agent: print {@code copies} of a completed document of the call at the station; {@code jobId} is the agent's. */
    record PrintRequest(String id, String callId, String jobId, String documentId, int copies) implements InCall {
        public PrintRequest {
            Fields.requiredText(callId, "callId", 64);
            Fields.requiredText(jobId, "jobId", 64);
            Fields.requiredText(documentId, "documentId", 64);
            Fields.check(copies >= 1 && copies <= 20, "copies must be 1..20");
        }
    }

    /** Station: what became of a print job; {@code reason} (required when failed) says why it failed. */
    record PrintResult(String id, String callId, String jobId, PrintStatus status, String reason) implements InCall {
        public PrintResult {
            Fields.requiredText(callId, "callId", 64);
            Fields.requiredText(jobId, "jobId", 64);
            Fields.required(status, "status");
            Fields.maxLength(reason, "reason", 256);
            Fields.check(status != PrintStatus.FAILED || (reason != null && !reason.isBlank()),
                    "reason is required when status is failed");
        }
    }

    /**
     * Station: the health of its kit, every device at once; sent after every sign-in and whenever a device changes.
     * Replaces what the station reported before. Seen by operators; holds no personal data.
     */
    record DeviceStatus(String id, List<Health> devices) implements ClientMessage {
        public DeviceStatus {
            devices = Devices.kit(devices);
        }
    }

    /**
     * Agent: ask the station of the connected call for a scan (document-camera), an ID-card read (idcard-reader) or
     * a barcode (barcode-scanner). The station's staff are prompted; the result comes as a document, a
     * device.idcard or a device.barcode, or as device.declined naming {@code requestId}.
     */
    record DeviceRequest(String id, String callId, String requestId, Kind device, String prompt) implements InCall {
        public DeviceRequest {
            Fields.requiredText(callId, "callId", 64);
            Fields.requiredText(requestId, "requestId", 64);
            Fields.required(device, "device");
            Fields.check(Kind.REQUESTABLE.contains(device),
                    "device must be document-camera, idcard-reader or barcode-scanner");
            Fields.maxLength(prompt, "prompt", 256);
        }
    }

    /** Station: a device request of the agent could not be carried out; {@code reason} says why (no personal data). */
    record DeviceDeclined(String id, String callId, String requestId, String reason) implements InCall {
        public DeviceDeclined {
            Fields.requiredText(callId, "callId", 64);
            Fields.requiredText(requestId, "requestId", 64);
            Fields.requiredText(reason, "reason", 256);
        }
    }

    /**
     * Either party of a connected call: a sample of its media quality, from WebRTC's statistics, for the operators'
     * metrics. Every measurement is optional (absent = not measured yet); {@code candidateType} is this party's side
     * of the selected candidate pair. Values are checked against physical ranges, so a broken client cannot skew the
     * district's figures. The server accepts one report per party per call every
     * {@value #MIN_INTERVAL_SECONDS} s.
     */
    record CallStats(String id, String callId, Double rttMs, Double jitterMs, Long packetsLost, Double fractionLost,
                     Double bitrateInKbps, Double bitrateOutKbps, Long framesDecoded, String candidateType,
                     String relayProtocol) implements InCall {
        /** Clients send a report at most this often; the server refuses closer ones (RATE_LIMITED). */
        public static final int MIN_INTERVAL_SECONDS = 5;
        /** The longest round-trip time or jitter believed, in ms: beyond a minute nothing is a call any more. */
        public static final double MAX_MS = 60_000;
        /** The highest bitrate believed, kbit/s (1 Gbit/s). */
        public static final double MAX_KBPS = 1_000_000;
        public static final List<String> CANDIDATE_TYPES = List.of("host", "srflx", "prflx",
                "relay");
        public static final List<String> RELAY_PROTOCOLS = List.of("udp", "tcp", "tls");

        public CallStats {
            Fields.requiredText(callId, "callId", 64);
            Fields.range(rttMs, "rttMs", 0, MAX_MS);
            Fields.range(jitterMs, "jitterMs", 0, MAX_MS);
            Fields.range(fractionLost, "fractionLost", 0, 1);
            Fields.range(bitrateInKbps, "bitrateInKbps", 0, MAX_KBPS);
            Fields.range(bitrateOutKbps, "bitrateOutKbps", 0, MAX_KBPS);
            Fields.nonNegative(packetsLost, "packetsLost");
            Fields.nonNegative(framesDecoded, "framesDecoded");
            Fields.oneOf(candidateType, "candidateType", CANDIDATE_TYPES);
            Fields.oneOf(relayProtocol, "relayProtocol", RELAY_PROTOCOLS);
            Fields.check(relayProtocol == null || "relay".equals(candidateType),
                    "relayProtocol is only for candidateType relay");
        }
    }

    /**
     * Operator: send me the live dashboard: a {@code dashboard.snapshot} now, then a {@code dashboard.update} at most
     * once a second whenever something changed, for as long as this session lasts.
     */
    record DashboardSubscribe(String id) implements ClientMessage {
    }
}
