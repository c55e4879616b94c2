package io.readstates.shard;

import io.readstates.store.offheap.Hashing;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shards of this node. Routes a user to the shard that owns it: shard = hash(userId) mod N; a
 * channel has a home shard the same way, which is the one that writes the channel to Redis. Applies the
 * node's part of a message across the shards it touches. The array never changes after start-up, so it
 * is safe to read from any event loop.
 */
public final class Shards
{
    private final Shard[] shards;

    public Shards(final List<Shard> shards)
    {
        this.shards = shards.toArray(new Shard[0]);
    }

    /** @return the index of the shard that owns a user. */
    public static int indexOf(final long userId, final int shardCount)
    {
        return Hashing.bucket(userId, shardCount);
    }

    public Shard ofUser(final long userId)
    {
        return shards[indexOf(userId, shards.length)];
    }

    public int indexOfUser(final long userId)
    {
        return indexOf(userId, shards.length);
    }

    public int homeOfChannel(final long channelId)
    {
        return Hashing.bucket(channelId, shards.length);
    }

    public int count()
    {
        return shards.length;
    }

    public Shard get(final int index)
    {
        return shards[index];
    }

    /**
     * This node's part of a message: checked on every shard whose users it touches and, when {@code apply},
     * applied there after the check, with the channel's last message moved up on every shard. When one
     * shard holds every user the part touches, it checks, moves the channel and applies in one step, which
     * nothing can interleave with; the other shards then move the channel. A refused check changes nothing.
     *
     * @param writeChannel whether this node writes the channel's new last message to Redis (one node does,
     * through the channel's home shard)
     */
    public Future<?> message(final MessagePart part, final boolean apply, final boolean writeChannel)
    {
        final Map<Integer, List<Long>> mentionedByShard = new TreeMap<>();
        for (final long userId : part.mentioned())
        {
            mentionedByShard.computeIfAbsent(indexOfUser(userId), k -> new ArrayList<>()).add(userId);
        }
        final int authorShard = part.authorId() == 0 ? -1 : indexOfUser(part.authorId());
        if (authorShard >= 0)
        {
            mentionedByShard.computeIfAbsent(authorShard, k -> new ArrayList<>());
        }
        final int home = writeChannel ? homeOfChannel(part.channelId()) : -1;
        if (!apply && mentionedByShard.isEmpty())
        {
            return Future.succeededFuture();
        }
        if (apply && mentionedByShard.size() <= 1)
        {
            if (mentionedByShard.isEmpty())
            {
                return news(part, home, -1);
            }
            final Map.Entry<Integer, List<Long>> only = mentionedByShard.entrySet().iterator().next();
            final int shard = only.getKey();
            final ShardUsers users = new ShardUsers(only.getValue(), shard == authorShard ? part.authorId() : 0);
            return shards[shard].withUsers(users.all(), s ->
            {
                s.messageHere(part.channelId(), part.guildId(), part.messageId(), shard == home, users.author(),
                    users.mentioned());
                return null;
            }).compose(done -> news(part, home, shard));
        }
        // First every shard the message touches checks that its part fits; only then is anything applied.
        final Future<?> checked = users(part, authorShard, mentionedByShard, false);
        if (!apply)
        {
            return checked;
        }
        return checked.compose(ok -> Future.all(news(part, home, -1), users(part, authorShard, mentionedByShard, true)));
    }

    /**
     * Moves the channel's last message up on every shard but {@code except}.
     *
     * @param home the shard that writes the channel to Redis, or -1 for none
     */
    private Future<?> news(final MessagePart part, final int home, final int except)
    {
        final List<Future<?>> moved = new ArrayList<>();
        for (int i = 0; i < shards.length; i++)
        {
            final boolean isHome = i == home;
            if (i != except)
            {
                moved.add(shards[i].run(s ->
                {
                    s.channelMessage(part.channelId(), part.guildId(), part.messageId(), isHome);
                    return null;
                }));
            }
        }
        return Future.all(moved);
    }

    /** The message's part on each shard it touches, with all of that shard's users resident at once. */
    private Future<?> users(final MessagePart part, final int authorShard, final Map<Integer, List<Long>> mentionedByShard,
        final boolean apply)
    {
        final List<Future<?>> parts = new ArrayList<>();
        mentionedByShard.forEach((shard, mentioned) ->
        {
            final ShardUsers users = new ShardUsers(mentioned, shard == authorShard ? part.authorId() : 0);
            parts.add(shards[shard].withUsers(users.all(), s ->
            {
                s.message(part.channelId(), part.messageId(), users.author(), users.mentioned(), apply);
                return null;
            }));
        });
        return Future.all(parts);
    }

    /** The users of one shard that a message touches: those it mentions, and its author (0 if not of this shard). */
    private record ShardUsers(long[] mentioned, long author)
    {
        ShardUsers(final List<Long> mentioned, final long author)
        {
            this(mentioned.stream().mapToLong(Long::longValue).toArray(), author);
        }

        long[] all()
        {
            if (author == 0)
            {
                return mentioned;
            }
            final long[] all = Arrays.copyOf(mentioned, mentioned.length + 1);
            all[mentioned.length] = author;
            return all;
        }
    }
}
