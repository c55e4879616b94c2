package io.readstates.gateway;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.Iterator;

/**
 * What one client is due and has not been written yet, coalesced: only the latest read state of each
 * channel and the latest badges are kept, so a client that reads slowly costs at most one entry per
 * channel of its user. Badges equal to the last ones given are not sent again, and go after the read
 * states, so a client never shows badges newer than the read states it has.
 */
final class Outbox
{
    /** Where frames go. */
    interface Sink
    {
        /** @return true while the sink cannot take more. */
        boolean full();

        void write(String frame);
    }

    private final Long2ObjectHashMap<String> states = new Long2ObjectHashMap<>();
    private String badges;
    private String lastBadges;

    /** The client was given these badges another way (in its snapshot). */
    void given(final String badgesFrame)
    {
        lastBadges = badgesFrame;
    }

    /** @param stateFrame a channel's latest read state, or null for badges alone */
    void offer(final long channelId, final String stateFrame, final String badgesFrame)
    {
        if (stateFrame != null)
        {
            states.put(channelId, stateFrame);
        }
        if (!badgesFrame.equals(lastBadges))
        {
            badges = badgesFrame;
            lastBadges = badgesFrame;
        }
    }

    /** Writes what is pending while the sink takes it. */
    void drainTo(final Sink sink)
    {
        if (!states.isEmpty())
        {
            final Iterator<String> it = states.values().iterator();
            while (it.hasNext() && !sink.full())
            {
                sink.write(it.next());
                it.remove();
            }
        }
        if (badges != null && states.isEmpty() && !sink.full())
        {
            sink.write(badges);
            badges = null;
        }
    }

    boolean isEmpty()
    {
        return states.isEmpty() && badges == null;
    }
}
