package io.doorstep.protocol;

import java.util.List;

/** Value types of the media set-up passed through signalling (WebRTC's own shapes, in JSON). */
public final class Media {
    private Media() {
    }

    /** An SDP offer or answer, as {@code RTCSessionDescriptionInit}. */
    public record SessionDescription(String type, String sdp) {
        public SessionDescription {
            Fields.requiredText(type, "description.type", 16);
            Fields.check(type.equals("offer") || type.equals("answer") || type.equals("pranswer")
                    || type.equals("rollback"), "description.type must be offer, answer, pranswer or rollback");
            Fields.required(sdp, "description.sdp");
        }
    }

    /**
     * An ICE candidate, as {@code RTCIceCandidateInit}. An empty {@code candidate} string marks the end of
     * candidates for its m-line.
     */
    public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
        public IceCandidate {
            Fields.required(candidate, "candidate.candidate");
            Fields.maxLength(candidate, "candidate.candidate", 1024);
            Fields.check(sdpMid != null || sdpMLineIndex != null,
                    "candidate needs sdpMid or sdpMLineIndex");
        }
    }

    /** One ICE server, as {@code RTCIceServer}: STUN/TURN URLs and, for TURN, short-lived credentials. */
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(Fields.required(urls, "urls"));
        }
    }
}
