package io.doorstep.signalling.routing;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.session.Session;

/** What else must follow a call's life (its documents). Called on the switchboard thread, after the parties were told. */
public interface CallListener {
    /** The call connected; both parties have been sent call.connected. */
    void connected(Call call);

    /** A party of a connected call is back (signed in again or resumed), after its call.connected if one was resent. */
    void rejoined(Session party, Call call);

    /** The call ended. */
    void ended(Call call);
}
