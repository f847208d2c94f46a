package io.doorstep.signalling.call;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The live calls (not ended). The owner thread reads and writes it; a cluster implementation keeps it in Redis.
 */
public interface CallStore {
    void put(Call call);

    Optional<Call> get(String callId);

    /** The live calls among {@code callIds}, by id, read at once (a queue's worth in one round trip). */
    Map<String, Call> getAll(Collection<String> callIds);

    /** How many calls are live. */
    int count();

    void remove(String callId);

    /** The live call a station or agent is part of. */
    Optional<Call> activeCallOf(String identityId);

    Collection<Call> all();

    /**
     * The live calls this node owns: on a single box all of them; in a cluster those created here or reclaimed from
     * a dead node. A node that stops ends only these.
     */
    Collection<Call> owned();
}
