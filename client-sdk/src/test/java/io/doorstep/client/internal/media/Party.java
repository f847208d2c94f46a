package io.doorstep.client.internal.media;

import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One side of a test call: its session, what its listener heard, and a signaller that hands SDP and ICE straight to
 * the other side (no server in between).
 */
final class Party implements MediaSession.Listener, MediaSession.Signaller {
    final String name;
    final AtomicReference<Party> peer = new AtomicReference<>();
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<String> iceServerErrors = new CopyOnWriteArrayList<>();
    final List<String> offersSent = new CopyOnWriteArrayList<>();
    final AtomicLong framesHeard = new AtomicLong();
    final AtomicReference<CallStats> stats = new AtomicReference<>();
    final AtomicReference<I420Picture> picture = new AtomicReference<>();
    private final boolean wantsPictures;
    volatile MediaSession session;

    Party(String name) {
        this(name, false);
    }

    /** A party that also takes the pixels of the peer's video. */
    Party(String name, boolean wantsPictures) {
        this.name = name;
        this.wantsPictures = wantsPictures;
    }

    static void pair(Party a, Party b) {
        a.peer.set(b);
        b.peer.set(a);
    }

    @Override
    public void description(String type, String sdp) {
        if (type.equals("offer")) {
            offersSent.add(sdp);
        }
        peer.get().session.remoteDescription(type, sdp);
    }

    @Override
    public void candidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
        peer.get().session.remoteCandidate(candidate, sdpMid, sdpMLineIndex, usernameFragment);
    }

    @Override
    public void state(String iceConnectionState) {
        states.add(iceConnectionState);
    }

    @Override
    public void remoteVideo(int width, int height, long timestampNanos) {
        framesHeard.incrementAndGet();
    }

    @Override
    public boolean wantsRemotePictures() {
        return wantsPictures;
    }

    @Override
    public void remotePicture(I420Picture p) {
        picture.set(p);
    }

    @Override
    public void stats(CallStats s) {
        stats.set(s);
    }

    @Override
    public void iceServerError(String url, int code, String reason) {
        iceServerErrors.add(code + " " + url);
    }

    @Override
    public void failed(String reason) {
        failures.add(reason);
    }

    /** The ice-ufrag of the latest offer this party sent. */
    String lastOfferUfrag() {
        String sdp = offersSent.get(offersSent.size() - 1);
        return sdp.lines().filter(l -> l.startsWith("a=ice-ufrag:")).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
        return name + " states=" + states + " failures=" + failures + " frames=" + framesHeard + " stats="
                + stats.get();
    }
}
