package io.readstates.wire;

import io.readstates.domain.ReadStateView;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The service's JSON, written the one way whichever code writes it. */
class CodecTest
{
    @Test
    void shouldWriteAReadStateAsItsJsonObjectEncodes()
    {
        for (final ReadStateView state : new ReadStateView[] {new ReadStateView(1, 0, 0, 0),
            new ReadStateView(-1L, Long.MAX_VALUE, Integer.MAX_VALUE, (1L << 37) - 1), new ReadStateView(42, 7, 3, 12)})
        {
            final String text = Codec.readStateText(state);
            assertEquals(Codec.readState(state).encode(), text);
            assertEquals(Codec.readState(state), new JsonObject(text));
        }
    }
}
