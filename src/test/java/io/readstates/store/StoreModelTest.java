package io.readstates.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long random walk over every operation, applied to a store and to {@link ReferenceModel}, with every
 * observable result compared after each step. Capacities are tiny so that eviction, refusals and
 * dirty/clean cycles happen all the time.
 *
 * <p>Reproduce a failure with {@code -Dreadstates.seed=<seed printed in the failure>}.
 */
class StoreModelTest
{
    private static final int OPERATIONS = Integer.getInteger("readstates.modelOps", 1_000_000);
    /** Operations between two walks of the store's whole structure. */
    private static final int STRUCTURE_CHECK_EVERY = 1_000;
    private static final int RECORD_SLOTS = 48;
    private static final int USER_SLOTS = 6;
    private static final long[] USER_IDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    private static final long[] CHANNEL_IDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1, Long.MIN_VALUE};
    private static final long[] MESSAGE_IDS = {0, 1, 2, 3, 5, 8, 13, 21, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -2, -1};

    private ReadStateStore store;
    private ReferenceModel model;
    private SplittableRandom random;
    private long seed;
    private int step;

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldAgreeWithReferenceModelOverAMillionRandomOperations(final Stores kind)
    {
        seed = Long.getLong("readstates.seed", System.nanoTime());
        random = new SplittableRandom(seed);
        model = new ReferenceModel(RECORD_SLOTS, USER_SLOTS);
        try (ReadStateStore s = kind.create(RECORD_SLOTS, USER_SLOTS))
        {
            store = s;
            final int[] seen = new int[Outcome.values().length];
            for (step = 0; step < OPERATIONS; step++)
            {
                final Outcome outcome = randomOperation();
                if (outcome != null)
                {
                    seen[outcome.ordinal()]++;
                }
                assertSameCounters();
                if (step % STRUCTURE_CHECK_EVERY == 0)
                {
                    checkStructure();
                }
            }
            checkStructure();
            for (final Outcome outcome : Outcome.values())
            {
                assertTrue(seen[outcome.ordinal()] > 0, "the walk never produced " + outcome + "; seed " + seed);
            }
            assertTrue(store.evictions() > 1000, "too few evictions to exercise the LRU; seed " + seed);
        }
    }

    private Outcome randomOperation()
    {
        final long user = pick(USER_IDS);
        final long channel = pick(CHANNEL_IDS);
        final long message = pick(MESSAGE_IDS);
        final int dice = random.nextInt(100);
        if (dice < 14)
        {
            if (!model.isResident(user))
            {
                final LoadedUser loaded = randomLoad();
                return same("install", model.install(user, loaded), store.install(user, loaded));
            }
            return same("install resident", model.install(user, new LoadedUser()), store.install(user, new LoadedUser()));
        }
        if (dice < 30)
        {
            return same("ack", model.ack(user, channel, message), store.ack(user, channel, message));
        }
        if (dice < 36)
        {
            final int count = random.nextInt(4) == 0 ? Integer.MAX_VALUE : random.nextInt(3);
            return same("manualAck", model.manualAck(user, channel, message, count),
                store.manualAck(user, channel, message, count));
        }
        if (dice < 46)
        {
            return same("mention", model.mention(user, channel, message), store.mention(user, channel, message));
        }
        if (dice < 50)
        {
            return same("unmention", model.unmention(user, channel, message), store.unmention(user, channel, message));
        }
        if (dice < 54)
        {
            return same("delete", model.delete(user, channel), store.delete(user, channel));
        }
        if (dice < 55)
        {
            return same("deleteUser", model.deleteUser(user), store.deleteUser(user));
        }
        if (dice < 62)
        {
            final ReadState expected = new ReadState();
            final ReadState actual = new ReadState();
            final boolean found = model.get(user, channel, expected);
            check("get", found, store.get(user, channel, actual));
            if (found)
            {
                check("get value", expected.toString(), actual.toString());
            }
            return null;
        }
        if (dice < 65)
        {
            check("use", model.use(user), store.use(user));
            return null;
        }
        if (dice < 68)
        {
            check("forEach", readStatesOf(model, user), readStatesOf(store, user));
            return null;
        }
        if (dice < 72)
        {
            check("evict", model.evict(user), store.evict(user));
            return null;
        }
        if (dice < 82)
        {
            flush();
            return null;
        }
        if (dice < 88)
        {
            partialCollect();
            return null;
        }
        if (dice < 90)
        {
            final int records = random.nextInt(5);
            final long[] users = {user, pick(USER_IDS), user};
            check("canAdd " + records, model.canAdd(users, records), store.canAdd(users, records));
            return null;
        }
        if (dice < 92)
        {
            final long version = random.nextInt(6);
            check("markClean any version", model.markClean(user, channel, version), store.markClean(user, channel, version));
            return null;
        }
        for (final long u : USER_IDS)
        {
            check("isResident " + Long.toUnsignedString(u), model.isResident(u), store.isResident(u));
        }
        return null;
    }

    /** A write-behind cycle: collect everything dirty, let some changes race the write, confirm some. */
    private void flush()
    {
        final List<String> expected = dirtyOf(model, Integer.MAX_VALUE);
        check("collectDirty", new TreeSet<>(expected), new TreeSet<>(dirtyOf(store, Integer.MAX_VALUE)));
        final List<long[]> written = new ArrayList<>();
        model.collectDirty(Integer.MAX_VALUE, (u, c, lastRead, mentions, version, deleted) ->
            written.add(new long[] {u, c, version}));
        if (random.nextBoolean())
        {
            final long user = pick(USER_IDS);
            final long channel = pick(CHANNEL_IDS);
            final long message = pick(MESSAGE_IDS);
            same("ack during write", model.ack(user, channel, message), store.ack(user, channel, message));
        }
        for (final long[] w : written)
        {
            if (random.nextInt(10) < 8)
            {
                check("markClean", model.markClean(w[0], w[1], w[2]), store.markClean(w[0], w[1], w[2]));
            }
        }
    }

    /** A bounded batch may pick any dirty records, but exactly as many as asked for or as there are. */
    private void partialCollect()
    {
        final int max = 1 + random.nextInt(5);
        final TreeSet<String> all = new TreeSet<>(dirtyOf(model, Integer.MAX_VALUE));
        final List<String> batch = dirtyOf(store, max);
        check("batch size", Math.min(max, all.size()), batch.size());
        check("batch is dirty", true, all.containsAll(batch));
        check("batch distinct", batch.size(), new TreeSet<>(batch).size());
    }

    private LoadedUser randomLoad()
    {
        final LoadedUser loaded = new LoadedUser();
        final int size = random.nextInt(10) == 0 ? RECORD_SLOTS + 1 : random.nextInt(9);
        final TreeMap<Long, Boolean> channels = new TreeMap<>();
        for (int i = 0; i < size; i++)
        {
            final long channel = random.nextInt(3) == 0 ? pick(CHANNEL_IDS) : 1000 + i;
            if (channels.put(channel, true) == null)
            {
                loaded.add(channel, pick(MESSAGE_IDS), random.nextInt(3), 1 + random.nextInt(4));
            }
        }
        return loaded;
    }

    private void checkStructure()
    {
        try
        {
            store.checkInvariants();
            check("forEachUser", usersOf(model), usersOf(store));
        }
        catch (final IllegalStateException e)
        {
            throw new AssertionError("structure broken at step " + step + "; seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private void assertSameCounters()
    {
        check("residentUsers", model.residentUsers(), store.residentUsers());
        check("readStates", model.readStates(), store.readStates());
        check("dirtyRecords", model.dirtyRecords(), store.dirtyRecords());
        check("evictions", model.evictions(), store.evictions());
    }

    private static java.util.Set<Long> usersOf(final ReadStateStore s)
    {
        final java.util.Set<Long> users = new java.util.TreeSet<>();
        s.forEachUser(users::add);
        return users;
    }

    private static List<String> readStatesOf(final ReadStateStore s, final long user)
    {
        final List<String> out = new ArrayList<>();
        final int n = s.forEach(user, (c, lastRead, mentions, version) ->
            out.add(Long.toUnsignedString(c) + ":" + Long.toUnsignedString(lastRead) + ":" + mentions + ":" + version));
        out.add("count " + n);
        out.sort(null);
        return out;
    }

    private static List<String> dirtyOf(final ReadStateStore s, final int max)
    {
        final List<String> out = new ArrayList<>();
        s.collectDirty(max, (u, c, lastRead, mentions, version, deleted) ->
            out.add(u + "/" + c + ":" + lastRead + ":" + mentions + ":" + version + (deleted ? ":deleted" : "")));
        return out;
    }

    private long pick(final long[] values)
    {
        return values[random.nextInt(values.length)];
    }

    private Outcome same(final String what, final Outcome expected, final Outcome actual)
    {
        check(what, expected, actual);
        return actual;
    }

    private void check(final String what, final Object expected, final Object actual)
    {
        assertEquals(expected, actual, () -> what + " differs at step " + step + "; reproduce with -Dreadstates.seed=" + seed);
    }
}
