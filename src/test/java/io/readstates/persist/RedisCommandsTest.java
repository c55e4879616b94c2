package io.readstates.persist;

import io.readstates.support.TestRedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a Redis Cluster, a batch is the same as on one server to the code that sends it: every command
 * reaches the node of its key, the answers come back in order, and scripts are loaded on every node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCommandsTest
{
    private static final int USERS = 300;

    private TestRedisCluster cluster;
    private Vertx vertx;
    private RedisCommands redis;

    @BeforeAll
    void start() throws Exception
    {
        cluster = new TestRedisCluster(3);
        vertx = Vertx.vertx();
        redis = cluster.target().connect(vertx, "test");
    }

    @AfterAll
    void stop() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        cluster.close();
    }

    private <T> T await(final Future<T> future) throws Exception
    {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBatchOverEveryNodeShouldAnswerInTheOrderOfItsRequests() throws Exception
    {
        final List<Request> writes = new ArrayList<>();
        for (int user = 1; user <= USERS; user++)
        {
            writes.add(Request.cmd(Command.HSET).arg(RedisLayout.userKey(user)).arg("7").arg("v" + user));
        }
        await(redis.batch(writes));
        final List<Request> reads = new ArrayList<>();
        for (int user = 1; user <= USERS; user++)
        {
            reads.add(Request.cmd(Command.HGET).arg(RedisLayout.userKey(user)).arg("7"));
        }
        final List<Response> answers = await(redis.batch(reads));
        for (int user = 1; user <= USERS; user++)
        {
            assertEquals("v" + user, answers.get(user - 1).toString());
        }
        final List<Long> keys = cluster.keysPerNode();
        assertTrue(keys.stream().allMatch(count -> count > 0), "the batch reached every node: " + keys);
    }

    @Test
    void scriptsShouldBeLoadedOnEveryNodeSoThatAnyUserCanBeWrittenByDigest() throws Exception
    {
        final List<Request> batch = new ArrayList<>(RedisLayout.loadScripts());
        for (int user = 1; user <= USERS; user++)
        {
            batch.add(new ReadStateWrite().user(user, 0).readState(9, 100 + user, 1, 1, false).request());
        }
        final List<Response> answers = await(redis.batch(batch));
        for (int i = RedisLayout.loadScripts().size(); i < answers.size(); i++)
        {
            assertEquals(1, ReadStateWrite.answerFor(answers.get(i), 0), "each write applied its one record");
        }
        for (int user = 1; user <= USERS; user++)
        {
            assertEquals(RedisLayout.encode(100 + user, 1, 1), cluster.hash(RedisLayout.userKey(user)).get("9"));
        }
    }

    @Test
    void aFailedCommandShouldFailTheBatchOnlyOnceEveryCommandIsAnswered() throws Exception
    {
        final List<Request> batch = new ArrayList<>();
        for (int user = 1; user <= 50; user++)
        {
            batch.add(Request.cmd(Command.HSET).arg(RedisLayout.userKey(1_000 + user)).arg("1").arg("x"));
        }
        batch.add(Request.cmd(Command.EVALSHA).arg("0000000000000000000000000000000000000000").arg(1).arg(RedisLayout.userKey(1)));
        final Throwable failure = await(redis.batch(batch).transform(ar -> Future.succeededFuture(ar.cause())));
        assertTrue(RedisLayout.isNoScript(failure), "the failure is the command's own: " + failure);
        for (int user = 1; user <= 50; user++)
        {
            assertEquals("x", cluster.hash(RedisLayout.userKey(1_000 + user)).get("1"), "the other commands ran");
        }
    }
}
