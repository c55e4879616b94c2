package io.readstates;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.readstates.gateway.UserTokens;
import io.readstates.support.Api;
import io.readstates.support.RawHttp;
import io.readstates.support.RawWebSocket;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated odd and malformed requests and WebSocket sessions against a running service, seeded and
 * reproducible ({@code -Dreadstates.seed=<seed printed in a failure>}): no 5xx but the documented
 * 503s, a JSON error body on every error, no connection left hanging, no trace of a refused request,
 * no ERROR in the log, and a service that answers normally afterwards.
 */
class FuzzTest
{
    private static final int HTTP_REQUESTS = Integer.getInteger("readstates.fuzzRequests", 10_000);
    private static final int WEBSOCKET_SESSIONS = Integer.getInteger("readstates.fuzzSessions", 1_000);
    private static final int THREADS = 4;
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";
    /** Users the fuzzer names: 1 to this, enough that some only ever see refused changes. */
    private static final int USERS = 200;
    private static final Set<Integer> WEBSOCKET_CLOSE_CODES = Set.of(1000, 1002, 1007, 1009, 4001, 4002, 4003);

    private static final String[] METHODS = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "get", "FOO", "POST "};
    /** Odd ids, and valid ones outside the users the fuzzer watches. */
    private static final String[] IDS = {"1000", "7000", "0", "-1", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999", "abc", "1.5", "%zz", "%00", "%2F", "\u00e9", "", "1e3", " 1", "+1", "0x10", "../1"};
    private static final String[] PATHS = {"/v1/messages", "/v1/users/{u}/channels/{c}/ack", "/v1/users/{u}/acks",
        "/v1/users/{u}/read-states", "/v1/users/{u}/channels/{c}/read-state", "/v1/users/{u}/badges", "/metrics",
        "/health/ready", "/health/live", "/v1/gateway", "/demo/", "/", "/v1//users", "/v1/users/{u}/badges?x=%zz",
        "/v1/users/{u}/badges#frag", "*", "/v1/users/{u}/channels/{c}/ack/extra"};

    @Test
    void shouldSurviveOddRequestsAndSessionsUnchanged() throws Exception
    {
        final long seed = Long.getLong("readstates.seed", System.nanoTime());
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        final Vertx vertx = Vertx.vertx();
        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of("READSTATES_USER_TOKEN_SECRET", SECRET,
                "READSTATES_IDENTIFY_TIMEOUT_MS", "300", "READSTATES_MAX_FRAME_BYTES", "1024",
                "READSTATES_SESSION_IDLE_TIMEOUT_MS", "1000", "READSTATES_CONNECTION_IDLE_TIMEOUT_MS", "1000")))
        {
            final Set<Long> accepted = new ConcurrentSkipListSet<>();
            final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try
            {
                final List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < THREADS; t++)
                {
                    final SplittableRandom random = new SplittableRandom(seed + t);
                    work.add(pool.submit(() ->
                    {
                        for (int i = 0; i < HTTP_REQUESTS / THREADS; i++)
                        {
                            oneRequest(service.port(), random, accepted, seed);
                        }
                        final UserTokens tokens = new UserTokens(vertx, SECRET);
                        for (int i = 0; i < WEBSOCKET_SESSIONS / THREADS; i++)
                        {
                            oneSession(service.port(), random, tokens, seed);
                        }
                        return null;
                    }));
                }
                for (final Future<?> w : work)
                {
                    w.get();
                }
            }
            finally
            {
                pool.shutdownNow();
            }

            final Api api = service.api();
            for (long user = 1; user <= USERS; user++)
            {
                if (!accepted.contains(user))
                {
                    final Api.Reply states = api.get("/v1/users/" + user + "/read-states");
                    assertEquals(0, states.json().getJsonArray("readStates").size(),
                        "user " + user + " was only sent refused requests, yet has read states; seed " + seed + ": " + states);
                }
            }
            assertEquals(200, api.post("/v1/users/1000/channels/1/ack", "{\"messageId\":5}").status(), "answers normally");
            assertEquals("5", api.get("/v1/users/1000/channels/1/read-state").json().getString("lastMessageId"));
            final List<String> errors = new ArrayList<>();
            for (final ILoggingEvent event : log.list)
            {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR))
                {
                    errors.add(event.getFormattedMessage());
                }
            }
            assertTrue(errors.isEmpty(), "ERROR lines; seed " + seed + ": " + errors);
            assertTrue(accepted.size() > 0 && accepted.size() < USERS, "some users, not all, saw accepted changes: " + accepted);
        }
        finally
        {
            root.detachAppender(log);
            vertx.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP
    // ---------------------------------------------------------------------------------------------

    private static void oneRequest(final int port, final SplittableRandom random, final Set<Long> accepted, final long seed)
        throws Exception
    {
        final List<Long> named = new ArrayList<>();
        final String user = id(random, named);
        final String method = pick(random, METHODS);
        final String path = pick(random, PATHS).replace("{u}", user).replace("{c}", id(random, new ArrayList<>()));
        final StringBuilder request = new StringBuilder();
        request.append(method).append(' ').append(path).append(random.nextInt(20) == 0 ? " HTTP/1.0" : " HTTP/1.1").append("\r\n");
        if (random.nextInt(15) != 0)
        {
            request.append(pick(random, new String[] {"Host: 127.0.0.1\r\n", "Host: x:1\r\n", "Host: a b\r\n", "Host: x:0\r\n",
                "Host: 127.0.0.1:80\r\n", "Host: [::1]:8080\r\n"}));
        }
        final int auth = random.nextInt(10);
        if (auth < 7)
        {
            request.append("Authorization: ").append(auth == 0 ? "bearer " : "Bearer ").append(RunningService.TOKEN).append("\r\n");
        }
        else if (auth == 7)
        {
            request.append("Authorization: Bearer wrong-token\r\n");
        }
        final String body = random.nextInt(4) == 0 ? "" : body(random, named);
        if (!body.isEmpty() || random.nextBoolean())
        {
            request.append(pick(random, new String[] {"Content-Type: application/json\r\n", "Content-Type: text/plain\r\n",
                "Content-Type: application/json; charset=utf-8\r\n", ""}));
        }
        final byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        final int framing = random.nextInt(20);
        if (framing == 0)
        {
            request.append("Transfer-Encoding: chunked\r\n");
        }
        else if (framing == 1)
        {
            request.append("Content-Length: ").append(bodyBytes.length + 3).append("\r\nTransfer-Encoding: chunked\r\n");
        }
        else
        {
            request.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        if (random.nextInt(20) == 0)
        {
            request.append(pick(random, new String[] {"Upgrade: websocket\r\n", "Upgrade: h2c\r\n", "X-\u0001: x\r\n",
                "Bad Header\r\n", ": empty\r\n"}));
        }
        request.append("Connection: close\r\n\r\n");
        final byte[] head = request.toString().getBytes(StandardCharsets.UTF_8);
        final byte[] bytes;
        if (random.nextInt(50) == 0)
        {
            // Raw bytes, ended as a request head ends: one that the codec takes for blank lines before a request
            // is waited for, until the connection's idle timeout.
            bytes = new byte[1 + random.nextInt(200) + 4];
            for (int i = 0; i < bytes.length - 4; i++)
            {
                bytes[i] = (byte)random.nextInt(256);
            }
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, bytes, bytes.length - 4, 4);
        }
        else
        {
            bytes = new byte[head.length + bodyBytes.length];
            System.arraycopy(head, 0, bytes, 0, head.length);
            System.arraycopy(bodyBytes, 0, bytes, head.length, bodyBytes.length);
        }

        final RawHttp.Exchange answer = RawHttp.send(port, bytes, 5_000);
        final String what = "seed " + seed + ", request " + new String(bytes, StandardCharsets.ISO_8859_1) + " -> " + answer;
        assertTrue(answer.closedByServer(), "the connection was left hanging; " + what);
        if (answer.text().isEmpty())
        {
            return;
        }
        final int status = answer.status();
        assertTrue(status < 500, "a 5xx; " + what);
        if (status >= 400 && !method.equals("HEAD"))
        {
            final JsonObject error = answer.json();
            assertTrue(error.getString("error") != null && error.getString("message") != null, "no JSON error body; " + what);
        }
        if (status >= 200 && status < 300 && !method.trim().equalsIgnoreCase("GET") && !method.equals("HEAD"))
        {
            accepted.addAll(named);
        }
    }

    /** An id of a user 1 to {@link #USERS}, or an odd one; the users named go into {@code named}. */
    private static String id(final SplittableRandom random, final List<Long> named)
    {
        if (random.nextInt(3) == 0)
        {
            return pick(random, IDS);
        }
        final long user = 1 + random.nextInt(USERS);
        named.add(user);
        return String.valueOf(user);
    }

    private static String body(final SplittableRandom random, final List<Long> named)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return "{";
            case 1:
                return "[1,2]";
            case 2:
                return "{\"messageId\":" + pick(random, new String[] {"5", "\"5\"", "-1", "1.5", "null", "true", "1e30",
                    "\"18446744073709551616\"", "{}"}) + (random.nextBoolean() ? ",\"manual\":true" : "") +
                    (random.nextBoolean() ? ",\"mentionCount\":" + pick(random, new String[] {"1", "-1", "\"x\"", "2147483648"}) : "") + "}";
            case 3:
                final JsonArray acks = new JsonArray();
                for (int i = random.nextInt(3) == 0 ? 101 : random.nextInt(4); i > 0; i--)
                {
                    acks.add(new JsonObject().put("channelId", id(random, new ArrayList<>())).put("messageId", id(random, new ArrayList<>())));
                }
                return new JsonObject().put("acks", acks).encode();
            case 4:
                final JsonArray mentions = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--)
                {
                    mentions.add(id(random, named));
                }
                return new JsonObject().put("channelId", id(random, new ArrayList<>())).put("messageId", id(random, new ArrayList<>()))
                    .put("authorId", id(random, named)).put("mentions", mentions).encode();
            case 5:
                return "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
            case 6:
                return "\u0000\u00ff\u00fe";
            default:
                return "{\"messageId\":\"" + "9".repeat(random.nextInt(40)) + "\"}";
        }
    }

    // ---------------------------------------------------------------------------------------------
    // WebSocket
    // ---------------------------------------------------------------------------------------------

    private static void oneSession(final int port, final SplittableRandom random, final UserTokens tokens, final long seed)
        throws Exception
    {
        final List<String> sent = new ArrayList<>();
        // A frame that breaks the protocol may be refused by closing the connection before its close frame is read.
        boolean brokeProtocol = false;
        try (RawWebSocket ws = RawWebSocket.connect(port, "/v1/gateway"))
        {
            for (int frames = 1 + random.nextInt(4); frames > 0; frames--)
            {
                final int kind = random.nextInt(10);
                final byte[] payload;
                int opcode = RawWebSocket.TEXT;
                int reserved = 0;
                switch (kind)
                {
                    case 0:
                        payload = ("{\"op\":\"identify\",\"token\":\"" + tokens.issue(1 + random.nextInt(USERS), 600) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                        break;
                    case 1:
                        payload = "{\"op\":\"identify\",\"token\":\"not.a.token\"}".getBytes(StandardCharsets.UTF_8);
                        break;
                    case 2:
                        payload = new byte[] {'{', (byte)0xC3, (byte)0x28, '}'};
                        break;
                    case 3:
                        payload = new byte[1025 + random.nextInt(3000)];
                        break;
                    case 4:
                        payload = "{\"op\":\"ack\",\"channelId\":\"1\",\"messageId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
                        break;
                    case 5:
                        payload = "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
                        reserved = 0x10 << random.nextInt(3);
                        break;
                    case 6:
                        payload = new byte[random.nextInt(10)];
                        opcode = pick(random, new int[] {0x0, 0x3, 0x7, 0xB, 0xF, RawWebSocket.BINARY});
                        break;
                    case 7:
                        payload = "[]".getBytes(StandardCharsets.UTF_8);
                        break;
                    default:
                        payload = "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
                        break;
                }
                brokeProtocol |= kind == 2 || kind == 3 || kind == 5 || kind == 6 && opcode != RawWebSocket.BINARY;
                sent.add(opcode + "/" + reserved + "/" + new String(payload, StandardCharsets.ISO_8859_1));
                ws.send(opcode, reserved, payload);
            }
            ws.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte)0xE8});
            final int code = ws.awaitCloseCode();
            assertTrue(WEBSOCKET_CLOSE_CODES.contains(code) || code == -1 && brokeProtocol,
                "closed with " + code + "; seed " + seed + ", frames " + sent);
        }
    }

    private static String pick(final SplittableRandom random, final String[] values)
    {
        return values[random.nextInt(values.length)];
    }

    private static int pick(final SplittableRandom random, final int[] values)
    {
        return values[random.nextInt(values.length)];
    }

}
