package io.readstates.persist;

import io.readstates.wire.Ids;

/**
 * How read states and channels are laid out in Redis.
 *
 * <ul>
 * <li>{@code rs:{<userId>}}: a hash per user; field = channel id, value = {@code lastRead:mentions:version},
 * all decimal. The braces are a Redis Cluster hash tag, so a user's keys share one slot.</li>
 * <li>{@code ch:{<channelId>}}: a hash per channel with fields {@code last} (last message id) and
 * {@code guild} (guild id, 0 for direct messages).</li>
 * </ul>
 *
 * Writes go through Lua scripts so that Redis never takes an older version of a record over a newer
 * one, nor moves a channel's last message id backwards, whatever order writes and retries arrive in.
 */
public final class RedisLayout
{
    /**
     * KEYS[1] = a user's hash; ARGV = repeated (channel id, value or "" to delete, version). A value is
     * written only if its version is at least the stored one (equal: a retry of the same write).
     */
    static final String WRITE_READ_STATES =
        "local applied = 0\n" +
        "for i = 1, #ARGV, 3 do\n" +
        "  local current = redis.call('HGET', KEYS[1], ARGV[i])\n" +
        "  if (not current) or tonumber(ARGV[i + 2]) >= tonumber(string.match(current, '(%d+)$')) then\n" +
        "    if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])\n" +
        "    else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end\n" +
        "    applied = applied + 1\n" +
        "  end\n" +
        "end\n" +
        "return applied\n";

    /**
     * KEYS[1] = a channel's hash; ARGV[1] = last message id, ARGV[2] = guild id. Ids are compared as
     * decimal strings (length, then digits) because Lua numbers cannot hold 64 bits exactly.
     */
    static final String WRITE_CHANNEL =
        "local current = redis.call('HGET', KEYS[1], 'last')\n" +
        "local m = ARGV[1]\n" +
        "if (not current) or #m > #current or (#m == #current and m > current) then\n" +
        "  redis.call('HSET', KEYS[1], 'last', m)\n" +
        "end\n" +
        "redis.call('HSET', KEYS[1], 'guild', ARGV[2])\n" +
        "return 1\n";

    private RedisLayout()
    {
    }

    public static String userKey(final long userId)
    {
        return "rs:{" + Ids.format(userId) + "}";
    }

    public static String channelKey(final long channelId)
    {
        return "ch:{" + Ids.format(channelId) + "}";
    }

    public static String encode(final long lastReadMessageId, final int mentionCount, final long version)
    {
        return Ids.format(lastReadMessageId) + ':' + mentionCount + ':' + version;
    }

    /** A stored read state, decoded; ids unsigned in longs. */
    public record StoredReadState(long lastReadMessageId, int mentionCount, long version)
    {
    }

    /**
     * @throws IllegalArgumentException if the value is not of the form lastRead:mentions:version.
     */
    public static StoredReadState decode(final String value)
    {
        final int first = value.indexOf(':');
        final int second = value.indexOf(':', first + 1);
        if (first < 1 || second < first + 2 || second == value.length() - 1)
        {
            throw new IllegalArgumentException("not a read state: '" + value + "'");
        }
        return new StoredReadState(
            Long.parseUnsignedLong(value.substring(0, first)),
            Integer.parseInt(value.substring(first + 1, second)),
            Long.parseLong(value.substring(second + 1)));
    }
}
