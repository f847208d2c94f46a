package io.doorstep.signalling.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Redis at 127.0.0.1:6379 ({@code ./doorstep test} starts it) for one test class: every test gets its own
 * key prefix under the class's, and every key under the class's prefix is deleted after the class.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {
    public static final String URI = "redis://127.0.0.1:6379";

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private final List<StatefulRedisConnection<String, String>> extra = new ArrayList<>();
    private String classPrefix;
    private int next;

    @Override
    public void beforeAll(ExtensionContext context) {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        classPrefix = "test-" + context.getRequiredTestClass().getSimpleName() + "-" + HexFormat.of().formatHex(random);
        client = RedisClient.create(URI);
        try {
            connection = client.connect();
        } catch (RedisConnectionException e) {
            throw new IllegalStateException("these tests need Redis on 127.0.0.1:6379 (scripts/test-env.sh starts it)",
                    e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisCommands<String, String> redis = connection.sync();
        ScanCursor cursor = ScanCursor.INITIAL;
        for (int i = 0; i < 100_000 && !cursor.isFinished(); i++) {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("{" + classPrefix + "*")
                    .limit(1000));
            if (!page.getKeys().isEmpty()) {
                redis.del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        }
        extra.forEach(StatefulRedisConnection::close);
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** The client, for connections of special kinds (pub/sub). */
    public RedisClient client() {
        return client;
    }

    /** Commands on the class's shared connection. */
    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** A connection of its own (another node, another thread), closed after the class. */
    public RedisCommands<String, String> newConnection() {
        StatefulRedisConnection<String, String> c = client.connect();
        synchronized (extra) {
            extra.add(c);
        }
        return c.sync();
    }

    /** A fresh key space for one test. */
    public synchronized RedisKeys newKeys() {
        return new RedisKeys(classPrefix + "-" + (++next));
    }

    /** How many keys a key space holds now. */
    public long keyCount(RedisKeys keys) {
        return commands().keys(keys.base() + "*").size();
    }
}
