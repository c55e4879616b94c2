package io.readstates.api;

import io.readstates.domain.Refusal;
import io.readstates.wire.Ids;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads and checks a JSON request body and path parameters; every problem becomes a {@link Refusal}, status 400 or 415. */
final class RequestBody
{
    private final JsonObject json;
    private final String where;

    private RequestBody(final JsonObject json, final String where)
    {
        this.json = json;
        this.where = where;
    }

    /** The request's JSON object body. */
    static RequestBody of(final RoutingContext ctx)
    {
        final String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json"))
        {
            throw Refusal.of(415, "unsupported_media_type", "the body must be JSON, sent with Content-Type: application/json");
        }
        final Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0)
        {
            throw Refusal.badRequest("missing_body", "this route needs a JSON object body");
        }
        final Object parsed;
        try
        {
            parsed = body.toJsonValue();
        }
        catch (final DecodeException e)
        {
            throw Refusal.badRequest("malformed_json", "the body is not valid JSON");
        }
        if (!(parsed instanceof JsonObject))
        {
            throw Refusal.badRequest("malformed_json", "the body must be a JSON object");
        }
        return new RequestBody((JsonObject)parsed, "");
    }

    private String name(final String field)
    {
        return where + field;
    }

    boolean has(final String field)
    {
        return json.getValue(field) != null;
    }

    long id(final String field)
    {
        final Object value = json.getValue(field);
        if (value == null)
        {
            throw Refusal.badRequest("missing_field", name(field) + " is required");
        }
        return Ids.parse(value, name(field));
    }

    boolean bool(final String field, final boolean absent)
    {
        final Object value = json.getValue(field);
        if (value == null)
        {
            return absent;
        }
        if (!(value instanceof Boolean))
        {
            throw Refusal.badRequest("invalid_field", name(field) + " must be true or false");
        }
        return (Boolean)value;
    }

    int count(final String field)
    {
        final Object value = json.getValue(field);
        if (value == null)
        {
            throw Refusal.badRequest("missing_field", name(field) + " is required");
        }
        if (!(value instanceof Integer) || (Integer)value < 0)
        {
            throw Refusal.badRequest("invalid_field", name(field) + " must be a whole number from 0 to " + Integer.MAX_VALUE);
        }
        return (Integer)value;
    }

    /** @return the array, checked to hold {@code min} to {@code max} entries; empty if absent and min is 0. */
    JsonArray array(final String field, final int min, final int max)
    {
        final Object value = json.getValue(field);
        if (value == null && min == 0)
        {
            return new JsonArray();
        }
        if (value == null)
        {
            throw Refusal.badRequest("missing_field", name(field) + " is required");
        }
        if (!(value instanceof JsonArray))
        {
            throw Refusal.badRequest("invalid_field", name(field) + " must be an array");
        }
        final JsonArray array = (JsonArray)value;
        if (array.size() < min || array.size() > max)
        {
            throw Refusal.badRequest(array.size() > max ? "too_many_entries" : "too_few_entries",
                name(field) + " must hold " + min + " to " + max + " entries, not " + array.size());
        }
        return array;
    }

    /** The object at {@code index} of an array field read with {@link #array}. */
    RequestBody element(final String field, final JsonArray array, final int index)
    {
        final Object value = array.getValue(index);
        if (!(value instanceof JsonObject))
        {
            throw Refusal.badRequest("invalid_field", name(field) + "[" + index + "] must be an object");
        }
        return new RequestBody((JsonObject)value, name(field) + "[" + index + "].");
    }

    /** An id at {@code index} of an array field read with {@link #array}. */
    long idAt(final String field, final JsonArray array, final int index)
    {
        return Ids.parse(array.getValue(index), name(field) + "[" + index + "]");
    }

    /** An id from the path, such as {@code userId} in /v1/users/{userId}/... */
    static long pathId(final RoutingContext ctx, final String param)
    {
        return Ids.parseDecimal(ctx.pathParam(param), param + " in the path");
    }
}
