package io.readstates.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingJsonTest
{
    @Test
    void vertxUsesTheStreamingCodecThoughDataBindingIsOnTheClassPath() throws ClassNotFoundException
    {
        Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
        assertEquals(JacksonCodec.class, Json.CODEC.getClass());
    }

    @Test
    void readsWhatRequestsCarryAsTheySayIt()
    {
        final Object parsed = Buffer.buffer("{\"messageId\":18446744073709551615,\"small\":7,\"big\":9007199254740993," +
            "\"manual\":true,\"ids\":[\"1\",2],\"nested\":{\"a\":null},\"ratio\":1.5}").toJsonValue();

        final JsonObject body = assertInstanceOf(JsonObject.class, parsed);
        assertEquals(new BigInteger("18446744073709551615"), body.getValue("messageId"));
        assertEquals(7, body.getValue("small"));
        assertEquals(9007199254740993L, body.getValue("big"));
        assertEquals(true, body.getValue("manual"));
        assertEquals(new JsonArray().add("1").add(2), body.getJsonArray("ids"));
        assertTrue(body.getJsonObject("nested").containsKey("a"));
        assertNull(body.getJsonObject("nested").getValue("a"));
        assertEquals(1.5, body.getValue("ratio"));
    }

    @Test
    void refusesWhatIsNotJson()
    {
        assertThrows(DecodeException.class, () -> Buffer.buffer("{\"messageId\":").toJsonValue());
        assertThrows(DecodeException.class, () -> Buffer.buffer("{} trailing").toJsonValue());
    }

    @Test
    void writesWhatAnswersCarry()
    {
        final JsonObject answer = new JsonObject().put("channelId", "18446744073709551615").put("mentionCount", 3)
            .put("version", 12L).put("guilds", new JsonArray().add(new JsonObject().put("unread", false)))
            .put("message", "a \"quoted\"\nline");

        assertEquals("{\"channelId\":\"18446744073709551615\",\"mentionCount\":3,\"version\":12," +
            "\"guilds\":[{\"unread\":false}],\"message\":\"a \\\"quoted\\\"\\nline\"}", answer.encode());
    }
}
