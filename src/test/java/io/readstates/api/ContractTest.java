package io.readstates.api;

import io.readstates.gateway.CloseCodes;
import io.readstates.support.Api;
import io.readstates.support.Contract;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.readstates.wire.Codec;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contracts callers generate clients from hold the implementation: the OpenAPI document of the
 * HTTP API (every answer of the tests' {@code Api} is validated against it) and the AsyncAPI document of
 * the gateway.
 */
class ContractTest
{
    private static final Set<String> OPEN_ROUTES = Set.of("GET /metrics", "GET /health/live", "GET /health/ready", "GET /openapi.json");

    @Test
    void shouldDocumentEveryRouteAndNoOther() throws Exception
    {
        final Set<String> routed = new TreeSet<>(OPEN_ROUTES);
        final Matcher route = Pattern.compile("route\\(router, HttpMethod\\.(\\w+), \"([^\"]+)\"")
            .matcher(Files.readString(Path.of("src/main/java/io/readstates/api/HttpApi.java")));
        while (route.find())
        {
            routed.add(route.group(1) + " " + route.group(2).replaceAll(":(\\w+)", "{$1}"));
        }
        final Set<String> documented = new TreeSet<>();
        for (final Operation operation : Contract.contract().operations())
        {
            documented.add(operation.getHttpMethod().name() + " " + operation.getOpenAPIPath());
        }
        assertTrue(routed.size() > OPEN_ROUTES.size(), "found the routes: " + routed);
        assertEquals(routed, documented);
    }

    @Test
    void shouldRefuseAnAnswerTheDocumentDoesNotAllow()
    {
        final AssertionError wrong = assertThrows(AssertionError.class,
            () -> Contract.validate("badges", 200, new JsonObject().put("userId", 1).encode()));
        assertTrue(wrong.getMessage().contains("breaks the OpenAPI document"), wrong.getMessage());
        Contract.validate("badges", 200, new JsonObject().put("userId", "1").put("mentionCount", 0)
            .put("guilds", new io.vertx.core.json.JsonArray()).put("directMessages",
                new JsonObject().put("unreadChannels", 0).put("mentionCount", 0)).encode());
    }

    @Test
    void shouldServeTheDocumentWithoutAToken() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api.Reply served = service.api().withToken(null).get("/openapi.json");
            assertEquals(200, served.status());
            assertEquals(new JsonObject(Files.readString(Path.of("src/main/resources/openapi.json"))), served.json());
        }
    }

    @Test
    void shouldDescribeEveryGatewayFrameAndCloseCode() throws Exception
    {
        final JsonObject asyncApi = new JsonObject(Files.readString(Path.of("src/main/resources/asyncapi.json")));
        assertEquals("3.0.0", asyncApi.getString("asyncapi"));
        final JsonObject messages = asyncApi.getJsonObject("components").getJsonObject("messages");
        final Set<String> sent = new TreeSet<>();
        for (final String frame : new String[] {Codec.PONG_FRAME, Codec.errorFrame(io.readstates.domain.Refusal.MEMORY_FULL),
            Codec.readStateFrame(new io.readstates.domain.ReadStateView(1, 2, 0, 1), new io.readstates.domain.Channel(3, 9), 4),
            Codec.badgesFrame(new io.readstates.domain.Badges(1, 0, java.util.List.of(), 0, 0)),
            Codec.readyFrame(1, java.util.List.of(), new io.readstates.domain.Channel[0], new io.readstates.domain.Badges(1, 0, java.util.List.of(), 0, 0), 4)})
        {
            final JsonObject decoded = new JsonObject(frame);
            sent.add(decoded.getString("op"));
            final JsonObject described = messages.getJsonObject(decoded.getString("op"));
            for (final Object required : described.getJsonObject("payload").getJsonArray("required"))
            {
                assertTrue(decoded.containsKey((String)required), decoded.getString("op") + " frames carry " + required);
            }
        }
        final Set<String> documented = new TreeSet<>(messages.fieldNames());
        documented.removeAll(Set.of("identify", "ack", "ping"));
        assertEquals(documented, sent, "every frame the codec writes is described, and no other");

        final Set<String> codes = new TreeSet<>();
        for (final Field field : CloseCodes.class.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == short.class)
            {
                codes.add(String.valueOf(field.getShort(null)));
            }
        }
        assertEquals(codes, new TreeSet<>(asyncApi.getJsonObject("info").getJsonObject("x-close-codes").fieldNames()));
    }
}
