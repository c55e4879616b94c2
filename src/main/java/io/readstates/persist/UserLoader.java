package io.readstates.persist;

import io.readstates.domain.Refusal;
import io.readstates.store.ChannelTable;
import io.readstates.wire.Ids;
import io.readstates.store.LoadedUser;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Loads a user that is not resident: all of its read states, and the channels among them that the
 * shard does not know yet (so that its badges are right after a restart). Runs on the shard's event
 * loop; the shard makes sure only one load per user is in flight.
 */
public final class UserLoader
{
    private final RedisCommands redis;
    private final RedisStatus.Link link;
    private final ChannelTable channels;
    private final LongUnaryOperator epochs;
    private final LongConsumer lost;

    /**
     * @param link where each load's outcome is recorded, and what bounds how long it may take
     * @param epochs the ownership epoch of each user's slot (0 for a node alone), recorded by each load
     * @param lost told of a user whose load Redis refused because a newer owner of its slot has fenced
     * this node off
     */
    public UserLoader(final RedisCommands redis, final RedisStatus.Link link, final ChannelTable channels,
        final LongUnaryOperator epochs, final LongConsumer lost)
    {
        this.redis = redis;
        this.link = link;
        this.channels = channels;
        this.epochs = epochs;
        this.lost = lost;
    }

    /**
     * @return the user's read states; fails with {@link Refusal#MOVING} if another node owns the user now,
     * otherwise if Redis fails or does not answer in time
     */
    public Future<LoadedUser> load(final long userId)
    {
        return link.within(read(userId));
    }

    private Future<LoadedUser> read(final long userId)
    {
        return redis.send(RedisLayout.readUser(userId, epochs.applyAsLong(userId))).compose(hash ->
        {
            if (RedisLayout.isFenced(hash))
            {
                lost.accept(userId);
                return Future.failedFuture(Refusal.MOVING);
            }
            final LoadedUser user = new LoadedUser();
            forEachField(hash, (field, value) ->
            {
                if (!RedisLayout.isReadStateField(field))
                {
                    return;
                }
                final RedisLayout.StoredReadState state = RedisLayout.decode(value);
                user.add(Ids.parseDecimal(field, "a channel id in Redis"), state.lastReadMessageId(), state.mentionCount(), state.version());
            });
            return loadUnknownChannels(user).map(user);
        });
    }

    private Future<Void> loadUnknownChannels(final LoadedUser user)
    {
        final List<Request> requests = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < user.size(); i++)
        {
            final long channelId = user.channelId(i);
            if (!channels.knows(channelId))
            {
                ids.add(channelId);
                requests.add(RedisLayout.readChannel(channelId));
            }
        }
        if (requests.isEmpty())
        {
            return Future.succeededFuture();
        }
        return redis.batch(requests).map(responses ->
        {
            for (int i = 0; i < responses.size(); i++)
            {
                final RedisLayout.StoredChannel channel = RedisLayout.decodeChannel(responses.get(i));
                if (channel != null)
                {
                    channels.loaded(ids.get(i), channel.guildId(), channel.lastMessageId());
                }
            }
            return null;
        });
    }

    private interface FieldVisitor
    {
        void accept(String field, String value);
    }

    /** The client speaks RESP2 (see {@link RedisConnections}), where HGETALL answers field, value pairs. */
    private static void forEachField(final Response hash, final FieldVisitor visitor)
    {
        if (hash == null)
        {
            return;
        }
        for (int i = 0; i + 1 < hash.size(); i += 2)
        {
            visitor.accept(hash.get(i).toString(), hash.get(i + 1).toString());
        }
    }
}
