package io.readstates.wire;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Makes Vert.x read and write JSON with Jackson's streaming parser and generator only. Left to itself,
 * Vert.x switches to Jackson's data binding as soon as it is on the class path (the JSON log encoder
 * brings it), and data binding builds a serializer context for every body it encodes: on the ack
 * route at saturation it was about 6% of the service's samples, more than half of what the store itself
 * took. Every body the service reads or writes is plain maps, lists, strings, numbers and booleans,
 * which the streaming codec covers.
 *
 * <p>Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}.
 */
public final class StreamingJson implements JsonFactory
{
    private static final JsonCodec CODEC = new JacksonCodec();

    @Override
    public int order()
    {
        return 0;
    }

    @Override
    public JsonCodec codec()
    {
        return CODEC;
    }
}
