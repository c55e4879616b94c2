package io.readstates.gateway;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.Scrape;
import io.readstates.support.GatewayClient;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WebSocket gateway with real clients and a real Redis. */
class GatewayTest
{
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";
    private static final AtomicLong IDS = new AtomicLong(50_000);
    private static final Vertx VERTX = Vertx.vertx();
    private static final UserTokens TOKENS = new UserTokens(VERTX, SECRET);
    private static TestRedis redis;
    private static RunningService service;
    private static Api api;

    @BeforeAll
    static void start() throws Exception
    {
        redis = new TestRedis();
        service = RunningService.start(redis.url(), Map.of(
            "READSTATES_USER_TOKEN_SECRET", SECRET,
            "READSTATES_IDENTIFY_TIMEOUT_MS", "500",
            "READSTATES_SLOW_CONSUMER_TIMEOUT_MS", "1000",
            "READSTATES_MAX_SESSIONS_PER_USER", "3"));
        api = service.api();
    }

    @AfterAll
    static void stop() throws Exception
    {
        service.close();
        redis.close();
        VERTX.close();
    }

    private static long newId()
    {
        return IDS.incrementAndGet();
    }

    private static GatewayClient identified(final long userId) throws Exception
    {
        return GatewayClient.identified(service.port(), TOKENS.issue(userId, 600));
    }

    private static JsonObject ack(final long user, final long channel, final long message)
    {
        final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack", "{\"messageId\":" + message + "}");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json();
    }

    private static void message(final String body)
    {
        final Api.Reply reply = api.post("/v1/messages", body);
        assertEquals(202, reply.status(), reply::toString);
    }

    private static void assertClosedWithNothingSent(final GatewayClient client, final short code) throws Exception
    {
        assertEquals(code, client.awaitClose(5_000));
        assertEquals(0, client.received(), "a refused socket is sent nothing");
    }

    @Test
    void shouldAnswerIdentifyWithTheUsersSnapshot() throws Exception
    {
        final long user = newId();
        final long channel = newId();
        final long guild = newId();
        ack(user, channel, 10);
        message("{\"channelId\":\"" + channel + "\",\"messageId\":\"20\",\"authorId\":\"" + newId() + "\",\"guildId\":\"" + guild +
            "\",\"mentions\":[\"" + user + "\"]}");
        try (GatewayClient client = identified(user))
        {
            final JsonObject ready = client.ready();
            assertEquals(String.valueOf(user), ready.getString("userId"));
            assertEquals(1, ready.getJsonArray("readStates").size());
            final JsonObject state = ready.getJsonArray("readStates").getJsonObject(0);
            assertEquals(String.valueOf(channel), state.getString("channelId"));
            assertEquals("10", state.getString("lastMessageId"));
            assertEquals(1, state.getInteger("mentionCount"));
            assertEquals(1, ready.getJsonObject("badges").getInteger("mentionCount"));
            assertEquals(String.valueOf(guild), ready.getJsonObject("badges").getJsonArray("guilds").getJsonObject(0).getString("guildId"));
            client.send(new JsonObject().put("op", "ping"));
            assertEquals("pong", client.next(f -> true, 5_000).getString("op"));
        }
    }

    @Test
    void shouldCloseWith4001OnAForgedExpiredUnsignedOrMissingToken() throws Exception
    {
        final JWTAuth forger = JWTAuth.create(VERTX, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-of-thirty-two-characters")));
        final String forged = forger.generateToken(new JsonObject().put("sub", "123"), new JWTOptions().setExpiresInSeconds(600));
        final JWTAuth signer = JWTAuth.create(VERTX, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
        final long now = System.currentTimeMillis() / 1000;
        final String expired = signer.generateToken(new JsonObject().put("sub", "123").put("exp", now - 60), new JWTOptions());
        final String noExpiry = signer.generateToken(new JsonObject().put("sub", "123"), new JWTOptions());
        final String notAUser = signer.generateToken(new JsonObject().put("sub", "0"), new JWTOptions().setExpiresInSeconds(600));
        final String unsigned = forged.substring(0, forged.lastIndexOf('.') + 1);
        for (final Object token : new Object[] {forged, expired, noExpiry, notAUser, unsigned, "garbage", 42})
        {
            try (GatewayClient client = GatewayClient.connect(service.port()))
            {
                client.send(new JsonObject().put("op", "identify").put("token", token));
                assertEquals(CloseCodes.AUTHENTICATION_FAILED, client.awaitClose(5_000), "token " + token);
                assertEquals(0, client.received(), "a refused socket is sent nothing");
            }
        }
        try (GatewayClient client = GatewayClient.connect(service.port()))
        {
            client.send(new JsonObject().put("op", "identify"));
            assertClosedWithNothingSent(client, CloseCodes.AUTHENTICATION_FAILED);
        }
    }

    @Test
    void shouldCloseWith4002WithoutIdentifyInTime() throws Exception
    {
        try (GatewayClient client = GatewayClient.connect(service.port()))
        {
            assertClosedWithNothingSent(client, CloseCodes.IDENTIFY_TIMEOUT);
        }
    }

    @Test
    void shouldCloseWith4003OnGarbageFrames() throws Exception
    {
        for (final String garbage : new String[] {"not json", "[1,2]", "{\"op\":\"dance\"}", "{\"op\":\"ping\"}", "{}"})
        {
            try (GatewayClient client = GatewayClient.connect(service.port()))
            {
                client.sendText(garbage);
                assertClosedWithNothingSent(client, CloseCodes.INVALID_FRAME);
            }
        }
        final long user = newId();
        try (GatewayClient client = identified(user))
        {
            client.send(new JsonObject().put("op", "ack").put("channelId", "0").put("messageId", "5"));
            assertEquals(CloseCodes.INVALID_FRAME, client.awaitClose(5_000));
        }
        try (GatewayClient client = identified(user))
        {
            client.sendBinary();
            assertEquals(CloseCodes.INVALID_FRAME, client.awaitClose(5_000));
        }
        assertEquals(200, api.get("/v1/users/" + user + "/read-states").status(), "the service still answers");
        assertEquals(0, api.get("/v1/users/" + user + "/read-states").json().getJsonArray("readStates").size(), "nothing changed");
    }

    @Test
    @SuppressWarnings("try") // the sessions are opened to be held, not used
    void shouldRefuseASessionOverTheUsersLimitWith4005() throws Exception
    {
        final long user = newId();
        try (GatewayClient one = identified(user); GatewayClient two = identified(user); GatewayClient three = identified(user);
            GatewayClient fourth = GatewayClient.connect(service.port()))
        {
            fourth.send(new JsonObject().put("op", "identify").put("token", TOKENS.issue(user, 600)));
            assertClosedWithNothingSent(fourth, CloseCodes.TOO_MANY_SESSIONS);
            one.send(new JsonObject().put("op", "ping"));
            assertEquals("pong", one.next(f -> true, 5_000).getString("op"), "the others are untouched");
        }
        try (GatewayClient again = identified(user))
        {
            assertEquals(String.valueOf(user), again.ready().getString("userId"), "room again once the others closed");
        }
    }

    @Test
    void shouldCloseWith1009OnAFrameOverTheLimit() throws Exception
    {
        try (GatewayClient client = identified(newId()))
        {
            client.sendText("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitClose(5_000));
        }
    }

    @Test
    void shouldSyncAcksToEverySessionOfTheUserAndToNoOneElse() throws Exception
    {
        final long alice = newId();
        final long bob = newId();
        final long channel = newId();
        try (GatewayClient phone = identified(alice); GatewayClient laptop = identified(alice); GatewayClient other = identified(bob))
        {
            phone.send(new JsonObject().put("op", "ack").put("channelId", String.valueOf(channel)).put("messageId", "100"));
            for (final GatewayClient client : new GatewayClient[] {phone, laptop})
            {
                final JsonObject pushed = client.next(f -> "read_state".equals(f.getString("op")), 5_000);
                assertEquals(String.valueOf(channel), pushed.getString("channelId"));
                assertEquals("100", pushed.getString("lastMessageId"));
            }
            ack(alice, channel, 200);
            for (final GatewayClient client : new GatewayClient[] {phone, laptop})
            {
                assertEquals("200", client.next(f -> "read_state".equals(f.getString("op")), 5_000).getString("lastMessageId"));
            }
            // Bob's own change travels the same way to his socket as a stray push of Alice's would, after it:
            // the first frame he receives being his own proves that none of hers came.
            final long bobsChannel = newId();
            ack(bob, bobsChannel, 300);
            final JsonObject first = other.next(f -> true, 5_000);
            assertEquals("read_state", first.getString("op"), "Bob's first frame after ready: " + first);
            assertEquals(String.valueOf(bobsChannel), first.getString("channelId"), "Bob receives nothing of Alice's");
            assertTrue(Scrape.sum(api, "readstates_push_latency_seconds_count") >= 5, "each push written is timed");
        }
    }

    /** The session is registered before ready is written: a client may speak the moment ready arrives. */
    @Test
    void shouldTakeAFrameSentTheInstantReadyArrives() throws Exception
    {
        for (int i = 0; i < 200; i++)
        {
            try (GatewayClient client = identified(newId()))
            {
                client.send(new JsonObject().put("op", "ping"));
                assertEquals("pong", client.next(f -> true, 5_000).getString("op"), "session " + i);
            }
        }
    }

    /** The shard never touches a socket: sessions coming and going cannot fail the changes pushed to them. */
    @Test
    @SuppressWarnings("try") // each session is opened to be closed again, not used
    void shouldApplyEveryAckWhileTheUsersSessionsComeAndGo() throws Exception
    {
        final long user = newId();
        final long channel = newId();
        final AtomicLong churned = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Exception> churnFailed = new AtomicReference<>();
        final Thread churn = new Thread(() ->
        {
            while (running.get() && churnFailed.get() == null)
            {
                try (GatewayClient client = identified(user))
                {
                    churned.incrementAndGet();
                }
                catch (final Exception e)
                {
                    churnFailed.set(e);
                }
            }
        });
        churn.start();
        try
        {
            for (int message = 1; message <= 500 || churned.get() < 20 && message < 100_000; message++)
            {
                assertEquals("" + message, ack(user, channel, message).getString("lastMessageId"));
            }
        }
        finally
        {
            running.set(false);
            churn.join();
        }
        assertEquals(null, churnFailed.get(), "every session opened");
        assertTrue(churned.get() >= 20, "sessions opened and closed meanwhile: " + churned.get());
    }

    @Test
    void shouldPushMentionsAndUnreadChannelsAsTheyHappen() throws Exception
    {
        final long alice = newId();
        final long author = newId();
        final long mentioned = newId();
        final long quiet = newId();
        final long guild = newId();
        ack(alice, quiet, 10);
        try (GatewayClient client = identified(alice))
        {
            message("{\"channelId\":\"" + mentioned + "\",\"messageId\":\"50\",\"authorId\":\"" + author + "\",\"guildId\":\"" + guild +
                "\",\"mentions\":[\"" + alice + "\"]}");
            final JsonObject state = client.next(f -> "read_state".equals(f.getString("op")), 5_000);
            assertEquals(String.valueOf(mentioned), state.getString("channelId"));
            assertEquals(1, state.getInteger("mentionCount"));
            final JsonObject badges = client.next(f -> "badges".equals(f.getString("op")), 5_000);
            assertEquals(1, badges.getInteger("mentionCount"));

            message("{\"channelId\":\"" + quiet + "\",\"messageId\":\"60\",\"authorId\":\"" + author + "\",\"guildId\":\"" + guild + "\"}");
            final JsonObject unread = client.next(f -> "badges".equals(f.getString("op")), 5_000);
            final JsonObject guildBadge = unread.getJsonArray("guilds").getJsonObject(0);
            assertEquals(2, guildBadge.getInteger("unreadChannels"), unread::encode);
            assertEquals(1, guildBadge.getInteger("mentionCount"));
        }
    }

    /**
     * 100,000 updates for one user while one of its sessions has stopped reading. A session's pending
     * updates are coalesced per channel, so "every update" means: after each burst, the latest state of
     * every channel the burst touched reaches the healthy session.
     */
    @Test
    void shouldCloseASlowConsumerWith4008WhileAHealthySessionStaysCurrent() throws Exception
    {
        final long user = newId();
        final int updates = 100_000;
        final int window = 100;
        final int channels = 3;
        try (GatewayClient slow = GatewayClient.identified(service.port(), TOKENS.issue(user, 600),
                new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
            GatewayClient healthy = identified(user))
        {
            slow.stopReading();
            final long heapBefore = usedHeap();
            int received = 0;
            for (int sent = 0; sent < updates; )
            {
                final long[] latest = new long[channels + 1];
                final int burst = Math.min(window, updates - sent);
                for (int i = 0; i < burst; i++)
                {
                    sent++;
                    final int channel = 1 + sent % channels;
                    latest[channel] = sent;
                    healthy.send(new JsonObject().put("op", "ack").put("channelId", String.valueOf(channel))
                        .put("messageId", String.valueOf(sent)));
                }
                int caughtUp = 0;
                final boolean[] seen = new boolean[channels + 1];
                for (int c = 1; c <= channels; c++)
                {
                    if (latest[c] == 0)
                    {
                        seen[c] = true;
                        caughtUp++;
                    }
                }
                while (caughtUp < channels)
                {
                    final JsonObject state = healthy.next(f -> "read_state".equals(f.getString("op")), 10_000);
                    received++;
                    final int channel = Integer.parseInt(state.getString("channelId"));
                    if (!seen[channel] && Long.parseLong(state.getString("lastMessageId")) == latest[channel])
                    {
                        seen[channel] = true;
                        caughtUp++;
                    }
                }
            }
            assertTrue(received > updates / 10, "read_state frames received: " + received);
            final long heapGrowth = usedHeap() - heapBefore;
            assertTrue(heapGrowth < 64L << 20, "server heap grew by " + heapGrowth + " bytes");
            Await.until("the server to drop the session that stopped reading", 30_000,
                () -> Scrape.sum(api, "readstates_websocket_sessions") == 1);
            slow.resumeReading();
            assertEquals(CloseCodes.SLOW_CONSUMER, slow.awaitClose(20_000), "the server closed the one that stopped reading");
            healthy.send(new JsonObject().put("op", "ping"));
            assertEquals("pong", healthy.next(f -> "pong".equals(f.getString("op")), 5_000).getString("op"), "healthy is still open");
        }
    }

    private static long usedHeap()
    {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
