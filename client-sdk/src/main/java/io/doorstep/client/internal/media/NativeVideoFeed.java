package io.doorstep.client.internal.media;

import dev.onvoid.webrtc.media.video.VideoTrackSource;

/** A video feed whose frames WebRTC takes natively (a capture device): the session uses its source as it is. */
public interface NativeVideoFeed {
    VideoTrackSource nativeSource();
}
