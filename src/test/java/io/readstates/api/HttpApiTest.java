package io.readstates.api;

import io.readstates.support.Api;
import io.readstates.support.Api.Reply;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API over real HTTP, against a real Redis: routes, domain rules and every error. The same
 * specification holds for a cluster, behind any one of its nodes ({@code ClusterHttpApiTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest
{
    private static final AtomicLong IDS = new AtomicLong(1_000_000);
    private TestRedis redis;
    private RunningService service;
    private Api api;

    @BeforeAll
    void start() throws Exception
    {
        api = open();
    }

    /** Starts what the tests talk to; @return its API */
    protected Api open() throws Exception
    {
        redis = new TestRedis();
        service = RunningService.start(redis.url());
        return service.api();
    }

    @AfterAll
    void finish() throws Exception
    {
        stop();
    }

    /** @return where a caller's retry may land: the same node alone; another node of a cluster */
    protected Api anotherNode()
    {
        return api;
    }

    /** Stops what {@link #open} started. */
    protected void stop() throws Exception
    {
        service.close();
        redis.close();
    }

    private static long newId()
    {
        return IDS.incrementAndGet();
    }

    private static String ackPath(final long user, final long channel)
    {
        return "/v1/users/" + user + "/channels/" + channel + "/ack";
    }

    private static String readStatePath(final long user, final long channel)
    {
        return "/v1/users/" + user + "/channels/" + channel + "/read-state";
    }

    private static JsonObject ok(final Reply reply)
    {
        assertEquals(200, reply.status(), reply::toString);
        return reply.json();
    }

    private static void assertError(final int status, final String code, final Reply reply)
    {
        assertEquals(status, reply.status(), reply::toString);
        final JsonObject body = reply.json();
        assertEquals(code, body.getString("error"), reply::toString);
        assertTrue(body.getString("message").length() > 10, reply::toString);
    }

    private void message(final long channel, final long message, final long author, final Long guild, final long... mentions)
    {
        final JsonObject body = new JsonObject().put("channelId", String.valueOf(channel)).put("messageId", String.valueOf(message))
            .put("authorId", String.valueOf(author));
        if (guild != null)
        {
            body.put("guildId", String.valueOf(guild));
        }
        final JsonArray list = new JsonArray();
        for (final long m : mentions)
        {
            list.add(String.valueOf(m));
        }
        body.put("mentions", list);
        final Reply reply = api.post("/v1/messages", body.encode());
        assertEquals(202, reply.status(), reply::toString);
    }

    @Test
    void shouldCountTheMentionsOfAMessagePostedAgainOnceWhereverTheRetryLands()
    {
        final long channel = newId();
        final long author = newId();
        final long mentioned = newId();
        message(channel, 700, author, 5L, mentioned);
        final String again = new JsonObject().put("channelId", String.valueOf(channel)).put("messageId", "700")
            .put("authorId", String.valueOf(author)).put("guildId", "5")
            .put("mentions", new JsonArray().add(String.valueOf(mentioned))).encode();
        assertEquals(202, anotherNode().post("/v1/messages", again).status(), "answered as the first was");
        assertEquals(1, ok(api.get(readStatePath(mentioned, channel))).getInteger("mentionCount"));
        message(channel, 701, author, 5L, mentioned);
        assertEquals(2, ok(api.get(readStatePath(mentioned, channel))).getInteger("mentionCount"), "another message counts");
    }

    @Test
    void shouldTakeBackADeletedMessagesMentionsOnceFromWhoeverHasNotReadIt()
    {
        final long channel = newId();
        final long author = newId();
        final long unread = newId();
        final long read = newId();
        message(channel, 800, author, 5L, unread, read);
        message(channel, 801, author, 5L, unread);
        ok(api.post(ackPath(read, channel), "{\"messageId\":\"800\"}"));
        final String deletion = new JsonObject().put("channelId", String.valueOf(channel)).put("messageId", "800")
            .put("mentions", new JsonArray().add(String.valueOf(unread)).add(String.valueOf(read))).encode();

        assertEquals(202, api.post("/v1/deleted-messages", deletion).status());
        final JsonObject after = ok(api.get(readStatePath(unread, channel)));
        assertEquals(1, after.getInteger("mentionCount"), "the other message's mention stays");
        assertEquals("0", after.getString("lastMessageId"));
        assertEquals(0, ok(api.get(readStatePath(read, channel))).getInteger("mentionCount"));
        assertEquals("800", ok(api.get(readStatePath(read, channel))).getString("lastMessageId"), "a read stays read");
        assertEquals(1, ok(api.get("/v1/users/" + unread + "/badges")).getInteger("mentionCount"));

        assertEquals(202, anotherNode().post("/v1/deleted-messages", deletion).status(), "a retry is answered as the first");
        assertEquals(1, ok(api.get(readStatePath(unread, channel))).getInteger("mentionCount"), "and takes back nothing more");
    }

    @Test
    void shouldRefuseAMalformedDeletionAndChangeNothing()
    {
        final long channel = newId();
        final long mentioned = newId();
        message(channel, 900, newId(), 5L, mentioned);
        assertError(400, "invalid_id", api.post("/v1/deleted-messages",
            "{\"channelId\":\"" + channel + "\",\"messageId\":\"900\",\"mentions\":[\"" + mentioned + "\",\"x\"]}"));
        assertError(400, "missing_field", api.post("/v1/deleted-messages", "{\"channelId\":\"" + channel + "\"}"));
        assertEquals(1, ok(api.get(readStatePath(mentioned, channel))).getInteger("mentionCount"));
    }

    @Test
    void shouldAckAndAnswerTheReadStateAfter()
    {
        final long user = newId();
        final long channel = newId();
        final JsonObject state = ok(api.post(ackPath(user, channel), "{\"messageId\":\"500\"}"));
        assertEquals(String.valueOf(channel), state.getString("channelId"));
        assertEquals("500", state.getString("lastMessageId"));
        assertEquals(0, state.getInteger("mentionCount"));
        assertEquals(1, state.getLong("version"));
        assertEquals(state, ok(api.get(readStatePath(user, channel))));
    }

    @Test
    void shouldNeverMoveLastReadBackwardsOnPlainAck()
    {
        final long user = newId();
        final long channel = newId();
        ok(api.post(ackPath(user, channel), "{\"messageId\":500}"));
        final JsonObject after = ok(api.post(ackPath(user, channel), "{\"messageId\":400}"));
        assertEquals("500", after.getString("lastMessageId"));
        assertEquals(1, after.getLong("version"));
    }

    @Test
    void shouldLetManualAckMoveBackwardsAndSetMentions()
    {
        final long user = newId();
        final long channel = newId();
        ok(api.post(ackPath(user, channel), "{\"messageId\":500}"));
        final JsonObject after = ok(api.post(ackPath(user, channel), "{\"messageId\":300,\"manual\":true,\"mentionCount\":2}"));
        assertEquals("300", after.getString("lastMessageId"));
        assertEquals(2, after.getInteger("mentionCount"));
        assertEquals(2, after.getLong("version"));
    }

    @Test
    void shouldRefuseManualAckWithoutMentionCountAndMentionCountWithoutManual()
    {
        final long user = newId();
        final long channel = newId();
        assertError(400, "missing_field", api.post(ackPath(user, channel), "{\"messageId\":300,\"manual\":true}"));
        assertError(400, "invalid_field", api.post(ackPath(user, channel), "{\"messageId\":300,\"mentionCount\":1}"));
        assertError(400, "invalid_field", api.post(ackPath(user, channel), "{\"messageId\":300,\"manual\":\"yes\",\"mentionCount\":1}"));
        assertError(400, "invalid_field", api.post(ackPath(user, channel), "{\"messageId\":300,\"manual\":true,\"mentionCount\":-1}"));
        assertError(404, "not_found", api.get(readStatePath(user, channel)));
    }

    @Test
    void shouldCountMentionsOnlyAfterLastRead()
    {
        final long user = newId();
        final long author = newId();
        final long channel = newId();
        ok(api.post(ackPath(user, channel), "{\"messageId\":200}"));
        message(channel, 150, author, null, user);
        assertEquals(0, ok(api.get(readStatePath(user, channel))).getInteger("mentionCount"), "a mention before lastRead");
        message(channel, 250, author, null, user);
        message(channel, 260, author, null, user, user);
        assertEquals(2, ok(api.get(readStatePath(user, channel))).getInteger("mentionCount"), "mentions after lastRead, each once");
        assertEquals(0, ok(api.post(ackPath(user, channel), "{\"messageId\":260}")).getInteger("mentionCount"));
    }

    @Test
    void shouldAckTheAuthorsOwnMessageAndNotMentionTheAuthor()
    {
        final long author = newId();
        final long channel = newId();
        message(channel, 777, author, null, author);
        final JsonObject state = ok(api.get(readStatePath(author, channel)));
        assertEquals("777", state.getString("lastMessageId"));
        assertEquals(0, state.getInteger("mentionCount"));
    }

    @Test
    void shouldAnswerBadgesPerGuildAndForDirectMessages()
    {
        final long user = newId();
        final long other = newId();
        final long guildA = newId();
        final long guildB = newId();
        final long a1 = newId();
        final long a2 = newId();
        final long b1 = newId();
        final long dm = newId();
        for (final long channel : new long[] {a1, a2, b1, dm})
        {
            ok(api.post(ackPath(user, channel), "{\"messageId\":10}"));
        }
        message(a1, 20, other, guildA, user);
        message(a2, 21, other, guildA);
        message(b1, 5, other, guildB, user);
        message(dm, 30, other, null, user);

        final JsonObject badges = ok(api.get("/v1/users/" + user + "/badges"));
        assertEquals(String.valueOf(user), badges.getString("userId"));
        assertEquals(2, badges.getInteger("mentionCount"));
        final JsonArray guilds = badges.getJsonArray("guilds");
        assertEquals(1, guilds.size(), "guild B has nothing unread: its message is before lastRead; " + badges);
        assertEquals(new JsonObject().put("guildId", String.valueOf(guildA)).put("unreadChannels", 2).put("mentionCount", 1),
            guilds.getJsonObject(0));
        assertEquals(new JsonObject().put("unreadChannels", 1).put("mentionCount", 1), badges.getJsonObject("directMessages"));

        ok(api.post(ackPath(user, a1), "{\"messageId\":20}"));
        final JsonObject after = ok(api.get("/v1/users/" + user + "/badges"));
        assertEquals(1, after.getJsonArray("guilds").getJsonObject(0).getInteger("unreadChannels"));
        assertEquals(1, after.getInteger("mentionCount"));
    }

    @Test
    void shouldListAllReadStatesOfAUserWithIdsAsStrings()
    {
        final long user = newId();
        final long c1 = newId();
        final long c2 = newId();
        ok(api.post(ackPath(user, c1), "{\"messageId\":\"18446744073709551615\"}"));
        ok(api.post(ackPath(user, c2), "{\"messageId\":9223372036854775808}"));
        final JsonObject list = ok(api.get("/v1/users/" + user + "/read-states"));
        assertEquals(String.valueOf(user), list.getString("userId"));
        final JsonArray states = list.getJsonArray("readStates");
        assertEquals(2, states.size());
        assertEquals("18446744073709551615", states.getJsonObject(0).getString("lastMessageId"));
        assertEquals("9223372036854775808", states.getJsonObject(1).getString("lastMessageId"));
        assertEquals(0, ok(api.get("/v1/users/" + newId() + "/read-states")).getJsonArray("readStates").size());
    }

    @Test
    void shouldBulkAckAndAnswerEveryReadStateAfter()
    {
        final long user = newId();
        final long c1 = newId();
        final long c2 = newId();
        final JsonObject answer = ok(api.post("/v1/users/" + user + "/acks",
            "{\"acks\":[{\"channelId\":\"" + c1 + "\",\"messageId\":5},{\"channelId\":" + c2 + ",\"messageId\":\"6\"}]}"));
        final JsonArray states = answer.getJsonArray("readStates");
        assertEquals(2, states.size());
        assertEquals("5", states.getJsonObject(0).getString("lastMessageId"));
        assertEquals("6", states.getJsonObject(1).getString("lastMessageId"));
    }

    @Test
    void shouldRefuseBulkAcksOfNoneOrOverAHundredOrWithOneBadEntryAndChangeNothing()
    {
        final long user = newId();
        final long channel = newId();
        assertError(400, "too_few_entries", api.post("/v1/users/" + user + "/acks", "{\"acks\":[]}"));
        final JsonArray many = new JsonArray();
        for (int i = 0; i < 101; i++)
        {
            many.add(new JsonObject().put("channelId", channel + i).put("messageId", 1));
        }
        assertError(400, "too_many_entries", api.post("/v1/users/" + user + "/acks", new JsonObject().put("acks", many).encode()));
        assertError(400, "invalid_id", api.post("/v1/users/" + user + "/acks",
            "{\"acks\":[{\"channelId\":" + channel + ",\"messageId\":5},{\"channelId\":1,\"messageId\":0}]}"));
        assertError(400, "missing_field", api.post("/v1/users/" + user + "/acks", "{}"));
        assertEquals(0, ok(api.get("/v1/users/" + user + "/read-states")).getJsonArray("readStates").size());
    }

    @Test
    void shouldDeleteAReadState()
    {
        final long user = newId();
        final long channel = newId();
        ok(api.post(ackPath(user, channel), "{\"messageId\":5}"));
        assertEquals(204, api.delete(readStatePath(user, channel)).status());
        assertError(404, "not_found", api.get(readStatePath(user, channel)));
        assertEquals(204, api.delete(readStatePath(user, channel)).status(), "deleting what is not there is not an error");
    }

    @Test
    void shouldRefuseIdsOutOfRangeOrNotNumbersInThePath()
    {
        for (final String bad : new String[] {"0", "-1", "18446744073709551616", "abc", "1.5"})
        {
            assertError(400, "invalid_id", api.get("/v1/users/" + bad + "/read-states"));
            assertError(400, "invalid_id", api.post(ackPath(5, 5).replace("/channels/5", "/channels/" + bad), "{\"messageId\":1}"));
        }
    }

    @Test
    void shouldRefuseIdsOutOfRangeOrOfTheWrongTypeInTheBodyAndChangeNothing()
    {
        final long user = newId();
        final long channel = newId();
        for (final String bad : new String[] {"0", "-1", "18446744073709551616", "\"abc\"", "1.5", "\"-1\"", "\"\"", "true", "[1]", "{}"})
        {
            assertError(400, "invalid_id", api.post(ackPath(user, channel), "{\"messageId\":" + bad + "}"));
            assertError(400, "invalid_id", api.post("/v1/messages",
                "{\"channelId\":" + channel + ",\"messageId\":" + bad + ",\"authorId\":" + user + "}"));
        }
        assertError(400, "missing_field", api.post(ackPath(user, channel), "{}"));
        assertError(400, "missing_field", api.post("/v1/messages", "{\"channelId\":" + channel + ",\"messageId\":1}"));
        assertError(400, "invalid_id", api.post("/v1/messages",
            "{\"channelId\":" + channel + ",\"messageId\":9,\"authorId\":" + user + ",\"mentions\":[\"1\",\"x\"]}"));
        assertError(404, "not_found", api.get(readStatePath(user, channel)));
    }

    @Test
    void shouldRefuseMoreThanAThousandMentions()
    {
        final JsonArray mentions = new JsonArray();
        for (int i = 1; i <= 1001; i++)
        {
            mentions.add(String.valueOf(i));
        }
        assertError(400, "too_many_entries", api.post("/v1/messages", new JsonObject().put("channelId", "1")
            .put("messageId", "2").put("authorId", "3").put("mentions", mentions).encode()));
    }

    @Test
    void shouldRefuseMissingMalformedWronglyTypedAndOversizedBodies()
    {
        final long user = newId();
        final long channel = newId();
        assertError(400, "missing_body", api.send("POST", ackPath(user, channel), null, "application/json"));
        assertError(400, "malformed_json", api.post(ackPath(user, channel), "{\"messageId\":"));
        assertError(400, "malformed_json", api.post(ackPath(user, channel), "[1,2]"));
        assertError(415, "unsupported_media_type", api.send("POST", ackPath(user, channel), "{\"messageId\":1}", "text/plain"));
        assertError(415, "unsupported_media_type", api.send("POST", ackPath(user, channel), "{\"messageId\":1}", null));
        final String padding = "x".repeat(65 * 1024);
        assertError(413, "payload_too_large", api.post(ackPath(user, channel), "{\"messageId\":1,\"pad\":\"" + padding + "\"}"));
        assertError(404, "not_found", api.get(readStatePath(user, channel)));
    }

    @Test
    void shouldAnswer404ForUnknownRoutesAnd405ForWrongMethods()
    {
        assertError(404, "not_found", api.get("/v1/nothing-here"));
        assertError(404, "not_found", api.get("/"));
        assertError(405, "method_not_allowed", api.send("PUT", "/v1/users/1/badges", null, null));
        assertError(405, "method_not_allowed", api.get("/v1/messages"));
    }
}
