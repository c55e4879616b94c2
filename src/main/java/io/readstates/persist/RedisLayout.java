package io.readstates.persist;

import io.readstates.domain.Badges;
import io.readstates.wire.Ids;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything the service knows of how its data is laid out in Redis: keys, fields, value formats and
 * the scripts that write them. Nothing else spells a key or a field; it asks here for the request.
 *
 * <ul>
 * <li>{@code rs:{<userId>}}: a hash per user; field = channel id, value = {@code lastRead:mentions:version},
 * all decimal. The braces are a Redis Cluster hash tag, so a user's keys share one slot.</li>
 * <li>{@code ch:{<channelId>}}: a hash per channel with fields {@code last} (last message id) and
 * {@code guild} (guild id, 0 for direct messages).</li>
 * <li>{@code ep:{<slot>}}: a counter per slot of users, from which a node that starts serving the slot
 * takes its ownership epoch.</li>
 * </ul>
 *
 * <p>A user's hash also holds the field {@value #EPOCH_FIELD}: the highest ownership epoch that has
 * written or loaded the user. A write that carries an older epoch comes from a node that lost the
 * user's slot, and is refused whole (fencing). A node alone writes at epoch 0, which is neither
 * fenced nor recorded: one node is the only owner there is.
 *
 * Writes go through Lua scripts so that Redis never takes an older version of a record over a newer
 * one, nor moves a channel's last message id backwards, whatever order writes and retries arrive in.
 * The scripts are loaded once ({@link #loadScripts}) and then sent by their SHA1 digest; a Redis that
 * lost them (restarted, flushed) answers NOSCRIPT ({@link #isNoScript}), and they are loaded again.
 */
public final class RedisLayout
{
    private static final String USER_PREFIX = "rs:{";
    private static final String CHANNEL_PREFIX = "ch:{";
    private static final String LAST_FIELD = "last";
    private static final String GUILD_FIELD = "guild";
    private static final String EPOCH_PREFIX = "ep:{";
    /** Not a decimal number, so never a channel id. */
    static final String EPOCH_FIELD = "~epoch";
    /** What {@link #WRITE_READ_STATES} answers when the write's epoch is older than the user's. */
    public static final long FENCED = -1;

    /**
     * A Lua function: {@code stale(key, epoch)} is true if {@code epoch}, a writer's or loader's, is older
     * than the one the user's hash has seen; otherwise it records the epoch. Epoch 0 is a node alone,
     * which fences nothing and is never fenced.
     */
    private static final String STALE =
        "local function stale(key, epoch)\n" +
        "  local mine = tonumber(epoch)\n" +
        "  if mine == 0 then return false end\n" +
        "  local seen = tonumber(redis.call('HGET', key, '" + EPOCH_FIELD + "') or '0')\n" +
        "  if mine < seen then return true end\n" +
        "  if mine > seen then redis.call('HSET', key, '" + EPOCH_FIELD + "', epoch) end\n" +
        "  return false\n" +
        "end\n";

    /**
     * KEYS = users' hashes; ARGV, for each user in turn: the writer's epoch, the number n of records, then n
     * times (channel id, value or "" to delete, version). A value is written only if its version is at
     * least the stored one (equal: a retry of the same write); a user whose epoch is stale is left as it
     * is. Answers, per user, the number of records applied or {@link #FENCED}; fewer records applied than
     * sent means Redis holds a newer version of some, written by another node. See {@link ReadStateWrite}.
     */
    static final Script WRITE_READ_STATES = new Script(
        STALE +
        "local answers = {}\n" +
        "local a = 1\n" +
        "for k = 1, #KEYS do\n" +
        "  local key = KEYS[k]\n" +
        "  local last = a + 1 + 3 * tonumber(ARGV[a + 1])\n" +
        "  local applied = " + FENCED + "\n" +
        "  if not stale(key, ARGV[a]) then\n" +
        "    applied = 0\n" +
        "    for i = a + 2, last, 3 do\n" +
        "      local current = redis.call('HGET', key, ARGV[i])\n" +
        "      if (not current) or tonumber(ARGV[i + 2]) >= tonumber(string.match(current, '(%d+)$')) then\n" +
        "        if ARGV[i + 1] == '' then redis.call('HDEL', key, ARGV[i])\n" +
        "        else redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end\n" +
        "        applied = applied + 1\n" +
        "      end\n" +
        "    end\n" +
        "  end\n" +
        "  answers[k] = applied\n" +
        "  a = last + 1\n" +
        "end\n" +
        "return answers\n");

    /**
     * KEYS[1] = a channel's hash; ARGV[1] = last message id, ARGV[2] = guild id. Ids are compared as
     * decimal strings (length, then digits) because Lua numbers cannot hold 64 bits exactly.
     */
    static final Script WRITE_CHANNEL = new Script(
        "local current = redis.call('HGET', KEYS[1], '" + LAST_FIELD + "')\n" +
        "local m = ARGV[1]\n" +
        "if (not current) or #m > #current or (#m == #current and m > current) then\n" +
        "  redis.call('HSET', KEYS[1], '" + LAST_FIELD + "', m)\n" +
        "end\n" +
        "redis.call('HSET', KEYS[1], '" + GUILD_FIELD + "', ARGV[2])\n" +
        "return 1\n");

    /**
     * KEYS[1] = a user's hash; ARGV[1] = the loader's epoch. Answers the hash, as HGETALL does, after
     * recording the epoch, in a hash of the epoch alone if the user has no read state yet: from then on,
     * writes of older owners are refused. Answers {@link #FENCED} instead when the loader's epoch is older
     * than the user's: a newer owner has loaded or written the user, and the loader no longer owns it.
     */
    static final Script LOAD_READ_STATES = new Script(
        STALE +
        "if stale(KEYS[1], ARGV[1]) then return " + FENCED + " end\n" +
        "return redis.call('HGETALL', KEYS[1])\n");

    private RedisLayout()
    {
    }

    /** A Lua script, sent by its digest once Redis holds it. */
    static final class Script
    {
        private final String source;
        private final String sha;

        Script(final String source)
        {
            this.source = source;
            this.sha = sha1(source);
        }

        /** @return an EVALSHA of the script on one key; the caller adds the arguments. */
        Request call(final String key)
        {
            return call(List.of(key));
        }

        /** @return an EVALSHA of the script on these keys; the caller adds the arguments. */
        Request call(final List<String> keys)
        {
            final Request call = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
            keys.forEach(call::arg);
            return call;
        }

        /** @return an EVAL of the script's source, for scripts sent too rarely to be worth loading first. */
        Request evaluate(final String key)
        {
            return Request.cmd(Command.EVAL).arg(source).arg(1).arg(key);
        }

        Request load()
        {
            return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
        }

        private static String sha1(final String text)
        {
            try
            {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            }
            catch (final NoSuchAlgorithmException e)
            {
                throw new IllegalStateException("every JVM has SHA-1", e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Keys and values
    // ---------------------------------------------------------------------------------------------

    public static String userKey(final long userId)
    {
        return USER_PREFIX + Ids.format(userId) + "}";
    }

    public static String channelKey(final long channelId)
    {
        return CHANNEL_PREFIX + Ids.format(channelId) + "}";
    }

    /**
     * @return the key that marks a message as applied in full lately (see {@link MessageMarks}): in the
     * channel's slot, beside the channel
     */
    public static String messageMarkKey(final long channelId, final long messageId)
    {
        return channelKey(channelId) + ":m:" + Ids.format(messageId);
    }

    /** @return the key that marks a message's deletion as applied in full lately, beside its creation's mark */
    public static String deletionMarkKey(final long channelId, final long messageId)
    {
        return channelKey(channelId) + ":d:" + Ids.format(messageId);
    }

    /** @return a pattern that matches every user's key, for SCAN or keyspace notifications. */
    public static String userKeyPattern()
    {
        return USER_PREFIX + "*";
    }

    /** @return the user whose key ends {@code text}, such as a keyspace notification's channel name. */
    public static long userOfKey(final String text)
    {
        final int from = text.lastIndexOf(USER_PREFIX) + USER_PREFIX.length();
        return Ids.parseDecimal(text.substring(from, text.length() - 1), "a user key");
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

    /** A stored channel. */
    public record StoredChannel(long lastMessageId, long guildId)
    {
    }

    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /** The requests that load every script; send them before the first write and after a NOSCRIPT. */
    public static List<Request> loadScripts()
    {
        return List.of(WRITE_READ_STATES.load(), WRITE_CHANNEL.load());
    }

    /** @return true if a failure says Redis does not hold a script any more. */
    public static boolean isNoScript(final Throwable failure)
    {
        return failure != null && failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /**
     * All of a user's read states: answered with field, value pairs (RESP2), see {@link #decode}; skip
     * the fields for which {@link #isReadStateField} is false. Epoch 0 (a node alone) reads only; a
     * later epoch also fences off the user's earlier owners, and is answered {@link #isFenced} when a
     * newer owner has fenced off this one.
     */
    public static Request readUser(final long userId, final long epoch)
    {
        if (epoch == 0)
        {
            return Request.cmd(Command.HGETALL).arg(userKey(userId));
        }
        return LOAD_READ_STATES.evaluate(userKey(userId)).arg(epoch);
    }

    /** @return true if a load of a user was refused: the loader's epoch is older than the user's. */
    public static boolean isFenced(final Response answer)
    {
        return answer != null && answer.type() == ResponseType.NUMBER && answer.toLong() == FENCED;
    }

    /** @return false for the fields of a user's hash that are not read states. */
    public static boolean isReadStateField(final String field)
    {
        return !EPOCH_FIELD.equals(field);
    }

    /** Takes a new ownership epoch for a slot: answered with a number greater than every earlier one. */
    public static Request nextEpoch(final int slot)
    {
        return Request.cmd(Command.INCR).arg(EPOCH_PREFIX + slot + "}");
    }

    /** A channel's last message and guild; see {@link #decodeChannel}. */
    public static Request readChannel(final long channelId)
    {
        return Request.cmd(Command.HMGET).arg(channelKey(channelId)).arg(LAST_FIELD).arg(GUILD_FIELD);
    }

    /** @return the channel answered to {@link #readChannel}, or null if Redis has none. */
    public static StoredChannel decodeChannel(final Response fields)
    {
        final Response last = fields.get(0);
        final Response guild = fields.get(1);
        if (last == null)
        {
            return null;
        }
        return new StoredChannel(Long.parseUnsignedLong(last.toString()),
            guild == null ? Badges.DIRECT_MESSAGES : Long.parseUnsignedLong(guild.toString()));
    }

    /** @return the field of a user's hash that holds the read state of a channel */
    static String channelField(final long channelId)
    {
        return Ids.format(channelId);
    }

    /** A write of a channel that never moves its last message id backwards. */
    public static Request writeChannel(final long channelId, final long lastMessageId, final long guildId)
    {
        return WRITE_CHANNEL.call(channelKey(channelId)).arg(Ids.format(lastMessageId)).arg(Ids.format(guildId));
    }
}
