package io.readstates.wire;

/**
 * JSON text written straight into one buffer, for the frames the gateway pushes on every change. Its
 * keys and words are the service's own constants and its values numbers and ids, none of which ever
 * needs escaping, so it skips the map of a {@code JsonObject} and the generator that encodes one.
 * Each thread writes its frames, one at a time, into a buffer of its own that it keeps: a frame then
 * allocates its finished {@code String} and nothing else.
 */
final class JsonText
{
    /** A buffer grown past this by a very large frame is let go rather than kept by its thread. */
    private static final int KEPT_CAPACITY = 16 * 1024;
    private static final ThreadLocal<JsonText> OF_THREAD = ThreadLocal.withInitial(JsonText::new);

    private final StringBuilder text = new StringBuilder(512);
    /** Whether the next member or element follows another, and so needs a comma. */
    private boolean follows;

    private JsonText()
    {
    }

    /** @return this thread's buffer, emptied: write one frame, ending with {@link #toString}, before the next */
    static JsonText start()
    {
        JsonText json = OF_THREAD.get();
        if (json.text.capacity() > KEPT_CAPACITY)
        {
            json = new JsonText();
            OF_THREAD.set(json);
        }
        json.text.setLength(0);
        json.follows = false;
        return json;
    }

    JsonText open()
    {
        separate();
        text.append('{');
        follows = false;
        return this;
    }

    JsonText open(final String key)
    {
        key(key).text.append('{');
        follows = false;
        return this;
    }

    JsonText close()
    {
        text.append('}');
        follows = true;
        return this;
    }

    JsonText openArray(final String key)
    {
        key(key);
        text.append('[');
        follows = false;
        return this;
    }

    JsonText closeArray()
    {
        text.append(']');
        follows = true;
        return this;
    }

    /** An id, as a decimal string: see {@link Ids}. */
    JsonText id(final String key, final long id)
    {
        key(key).text.append('"');
        if (id >= 0)
        {
            text.append(id);
        }
        else
        {
            text.append(Long.toUnsignedString(id));
        }
        text.append('"');
        return this;
    }

    JsonText number(final String key, final long value)
    {
        key(key).text.append(value);
        return this;
    }

    /** @param word one of the service's own words, which needs no escaping */
    JsonText word(final String key, final String word)
    {
        key(key).text.append('"').append(word).append('"');
        return this;
    }

    @Override
    public String toString()
    {
        return text.toString();
    }

    private JsonText key(final String key)
    {
        separate();
        text.append('"').append(key).append("\":");
        follows = true;
        return this;
    }

    private void separate()
    {
        if (follows)
        {
            text.append(',');
        }
    }
}
