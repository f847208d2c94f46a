package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionDirectoryContract;
import io.doorstep.signalling.session.SessionLocation;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSessionDirectoryTest extends SessionDirectoryContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected SessionDirectory newDirectory(String nodeId) {
        return new RedisSessionDirectory(REDIS.commands(), REDIS.newKeys(), nodeId);
    }

    @Test
    void aSecondSignInOnAnotherNodeFindsTheFirst() {
        RedisKeys keys = REDIS.newKeys();
        SessionDirectory a = new RedisSessionDirectory(REDIS.newConnection(), keys, "a");
        SessionDirectory b = new RedisSessionDirectory(REDIS.newConnection(), keys, "b");
        Session first = session("s-1", "st-1", Role.STATION);
        a.put(first);
        assertThat(b.locate("st-1")).contains(new SessionLocation("a", "s-1"));
        assertThat(b.byIdentity("st-1")).as("the session object stays on its node").isEmpty();

        Session second = session("s-2", "st-1", Role.STATION);
        b.put(second);
        a.remove(first); // node a closes the replaced session after b told it to
        assertThat(a.locate("st-1")).as("a's late removal keeps b's session").contains(new SessionLocation("b", "s-2"));
        assertThat(b.count(Role.STATION)).isEqualTo(1);
        assertThat(a.count(Role.STATION)).isZero();
        b.remove(second);
        assertThat(a.locate("st-1")).isEmpty();
        assertThat(REDIS.keyCount(keys)).as("nothing left behind").isZero();
    }

    @Test
    void aMessageForASessionOnAnotherNodeGoesThroughThatNodesChannel() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisSessionDirectory a = new RedisSessionDirectory(REDIS.newConnection(), keys, "a");
        SessionDirectory b = new RedisSessionDirectory(REDIS.newConnection(), keys, "b");
        Session station = session("s-1", "st-1", Role.STATION);
        a.put(station);
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (SessionChannel channel = SessionChannel.subscribe(REDIS.client().connectPubSub(), keys, "a", new ProtocolCodec(),
                new SessionChannel.Receiver() {
                    @Override
                    public void message(String identity, ServerMessage message) {
                        a.deliverHere(identity, message);
                        heard.add(identity + " " + message);
                    }

                    @Override
                    public void replaced(String identity, String sessionId) {
                        heard.add("replaced " + identity + " " + sessionId);
                    }

                    @Override
                    public void forOwner(OwnerEvent event) {
                        heard.add("for owner " + event);
                    }

                    @Override
                    public void queueChanged(String skillGroup) {
                        heard.add("queue changed " + skillGroup);
                    }
                })) {
            ServerMessage.CallEnded ended = new ServerMessage.CallEnded(null, "c-1", EndReason.COMPLETED, "HANGUP",
                    Role.AGENT);
            assertThat(b.deliver("st-1", ended)).isTrue();
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("st-1 " + ended);
            assertThat(station.lastSeq()).as("sent by its own session on node a").isEqualTo(1);
            assertThat(b.deliver("st-9", ended)).as("nobody to deliver to").isFalse();

            b.put(session("s-2", "st-1", Role.STATION)); // st-1 signs in on b: a is told to end its session
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("replaced st-1 s-1");

            // the two other kinds of entry: an event for the owner of a call, and a queue change anywhere
            RedisCommands<String, String> redis = REDIS.commands();
            OwnerEvent accept = new OwnerEvent("ag-1", Role.AGENT, "s-9", OwnerEvent.Kind.MESSAGE, "",
                    new ClientMessage.CallAccept("r-1", "c-1"));
            redis.publish(keys.channel("a"), SessionChannel.forOwner(new ProtocolCodec(), accept));
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("for owner " + accept);
            redis.publish(keys.queueChanges(), SessionChannel.queueChanged("a", "pensions"));
            redis.publish(keys.queueChanges(), SessionChannel.queueChanged("b", "medical-insurance"));
            assertThat(heard.poll(5, TimeUnit.SECONDS)).as("a node does not hear its own queue changes")
                    .isEqualTo("queue changed medical-insurance");
        }
    }
}
