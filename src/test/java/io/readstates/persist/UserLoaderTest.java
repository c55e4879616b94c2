package io.readstates.persist;

import io.readstates.store.ChannelTable;
import io.readstates.store.LoadedUser;
import io.readstates.support.OnLoop;
import io.readstates.support.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading a user that is not resident: its read states, and the channels among them the shard does not know. */
class UserLoaderTest
{
    private TestRedis redis;
    private Vertx vertx;
    private Context loop;
    private ChannelTable channels;
    private UserLoader loader;

    @BeforeEach
    void start() throws Exception
    {
        redis = new TestRedis();
        for (final Request load : RedisLayout.loadScripts())
        {
            redis.send(load);
        }
        redis.send(new ReadStateWrite().user(1, 0).readState(10, 500, 2, 3, false).readState(11, -1L, 0, 7, false).request());
        redis.send(RedisLayout.writeChannel(10, 900, 77));
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        final RedisCommands client = RedisConnections.create(vertx, redis.url());
        channels = new ChannelTable();
        loader = new UserLoader(client, new RedisStatus(1_000).link(vertx), channels, user -> 0, user -> { });
    }

    @AfterEach
    void stop() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    private LoadedUser load(final long userId)
    {
        return OnLoop.await(loop, () -> loader.load(userId));
    }

    @Test
    void shouldLoadEveryReadStateAndTheChannelsTheShardDoesNotKnow() throws Exception
    {
        final LoadedUser user = load(1);
        assertEquals(2, user.size());
        final int first = user.channelId(0) == 10 ? 0 : 1;
        assertEquals(500, user.lastReadMessageId(first));
        assertEquals(2, user.mentionCount(first));
        assertEquals(3, user.version(first));
        assertEquals(-1L, user.lastReadMessageId(1 - first), "unsigned ids survive the trip");
        assertEquals(900, channels.lastMessageId(10));
        assertEquals(77, channels.guildId(10));
        assertFalse(channels.knows(11), "Redis has never seen a message in it");
    }

    @Test
    void shouldNotMoveAKnownChannelBackwards() throws Exception
    {
        channels.messageCreated(10, 77, 1_000);
        load(1);
        assertEquals(1_000, channels.lastMessageId(10));
    }

    @Test
    void shouldLoadAUserRedisHasNeverSeenAsEmpty() throws Exception
    {
        assertEquals(0, load(2).size());
    }

    @Test
    void shouldFailWhileRedisIsDown()
    {
        redis.stop();
        final IllegalStateException failure = assertThrows(IllegalStateException.class, () -> load(1));
        assertTrue(failure.getCause() != null, failure.toString());
    }
}
