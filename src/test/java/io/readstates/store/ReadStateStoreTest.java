package io.readstates.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edges of the store contract, for every implementation. */
class ReadStateStoreTest
{
    private static final long ALICE = 1001;
    private static final long BOB = 1002;
    private static final long CAROL = 1003;
    private static final long GENERAL = 7;
    private static final long MAX_ID = -1L; // 2^64 - 1 as an unsigned snowflake

    private static ReadStateStore emptyResident(final Stores kind, final int records, final int users, final long... userIds)
    {
        final ReadStateStore store = kind.create(records, users);
        for (final long userId : userIds)
        {
            assertEquals(Outcome.CHANGED, store.install(userId, new LoadedUser()));
        }
        return store;
    }

    private static ReadState get(final ReadStateStore store, final long user, final long channel)
    {
        final ReadState state = new ReadState();
        assertTrue(store.get(user, channel, state), "expected a read state");
        return state;
    }

    private static void cleanEverything(final ReadStateStore store)
    {
        final List<long[]> dirty = new ArrayList<>();
        store.collectDirty(Integer.MAX_VALUE, (u, c, lastRead, mentions, version, deleted) -> dirty.add(new long[] {u, c, version}));
        for (final long[] d : dirty)
        {
            assertTrue(store.markClean(d[0], d[1], d[2]));
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldIgnoreBackwardsPlainAck(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            assertEquals(Outcome.CHANGED, store.ack(ALICE, GENERAL, 500));
            assertEquals(Outcome.UNCHANGED, store.ack(ALICE, GENERAL, 400));
            final ReadState state = get(store, ALICE, GENERAL);
            assertEquals(500, state.lastReadMessageId);
            assertEquals(1, state.version);
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldLetManualAckMoveBackwardsAndSetMentions(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            store.ack(ALICE, GENERAL, 500);
            assertEquals(Outcome.CHANGED, store.manualAck(ALICE, GENERAL, 300, 2));
            final ReadState state = get(store, ALICE, GENERAL);
            assertEquals(300, state.lastReadMessageId);
            assertEquals(2, state.mentionCount);
            assertEquals(2, state.version);
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldCountOnlyMentionsAfterLastRead(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            store.ack(ALICE, GENERAL, 500);
            assertEquals(Outcome.UNCHANGED, store.mention(ALICE, GENERAL, 400));
            assertEquals(Outcome.UNCHANGED, store.mention(ALICE, GENERAL, 500));
            assertEquals(Outcome.CHANGED, store.mention(ALICE, GENERAL, 501));
            assertEquals(1, get(store, ALICE, GENERAL).mentionCount);
            assertEquals(Outcome.CHANGED, store.ack(ALICE, GENERAL, 501));
            assertEquals(0, get(store, ALICE, GENERAL).mentionCount);
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldTakeBackTheMentionOfADeletedMessageOnlyWhileItIsUnread(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            store.ack(ALICE, GENERAL, 500);
            store.mention(ALICE, GENERAL, 600);
            store.mention(ALICE, GENERAL, 700);
            assertEquals(Outcome.UNCHANGED, store.unmention(ALICE, GENERAL, 400), "read before: its mention was cleared");
            assertEquals(Outcome.CHANGED, store.unmention(ALICE, GENERAL, 600));
            assertEquals(1, get(store, ALICE, GENERAL).mentionCount);
            assertEquals(500, get(store, ALICE, GENERAL).lastReadMessageId);
            assertEquals(Outcome.CHANGED, store.unmention(ALICE, GENERAL, 700));
            assertEquals(Outcome.UNCHANGED, store.unmention(ALICE, GENERAL, 800), "never below zero");
            assertEquals(0, get(store, ALICE, GENERAL).mentionCount);
            final long neverRead = GENERAL + 1;
            assertEquals(Outcome.UNCHANGED, store.unmention(ALICE, neverRead, 800), "no read state is made");
            assertFalse(store.get(ALICE, neverRead, new ReadState()));
            assertEquals(Outcome.NOT_RESIDENT, store.unmention(BOB, GENERAL, 800));
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldCreateReadStateOnFirstMention(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            assertEquals(Outcome.CHANGED, store.mention(ALICE, GENERAL, 10));
            final ReadState state = get(store, ALICE, GENERAL);
            assertEquals(0, state.lastReadMessageId);
            assertEquals(1, state.mentionCount);
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldKeepIdsZeroAndMaxAndCompareThemUnsigned(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, 0L, MAX_ID))
        {
            assertEquals(Outcome.CHANGED, store.ack(MAX_ID, MAX_ID, Long.MAX_VALUE));
            assertEquals(Outcome.CHANGED, store.ack(MAX_ID, MAX_ID, MAX_ID), "2^64-1 is after 2^63-1");
            assertEquals(Outcome.UNCHANGED, store.ack(MAX_ID, MAX_ID, Long.MAX_VALUE));
            assertEquals(MAX_ID, get(store, MAX_ID, MAX_ID).lastReadMessageId);
            assertEquals("18446744073709551615", Long.toUnsignedString(get(store, MAX_ID, MAX_ID).lastReadMessageId));

            assertEquals(Outcome.CHANGED, store.ack(0L, 0L, 1));
            assertEquals(1, get(store, 0L, 0L).lastReadMessageId);
            assertFalse(store.get(0L, MAX_ID, new ReadState()), "users 0 and 2^64-1 are distinct");
            assertEquals(Outcome.UNCHANGED, store.mention(MAX_ID, MAX_ID, Long.MIN_VALUE), "2^63 is before 2^64-1");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldHoldAUserWithFiveThousandChannels(final Stores kind)
    {
        try (ReadStateStore store = kind.create(6000, 4))
        {
            final LoadedUser loaded = new LoadedUser();
            for (int c = 1; c <= 5000; c++)
            {
                loaded.add(c, c * 10L, c % 3, 1);
            }
            assertEquals(Outcome.CHANGED, store.install(ALICE, loaded));
            assertEquals(5000, store.forEach(ALICE, (c, lastRead, mentions, version) ->
                assertEquals(c * 10L, lastRead)));
            assertEquals(Outcome.CHANGED, store.ack(ALICE, 4321, 999_999));
            assertEquals(999_999, get(store, ALICE, 4321).lastReadMessageId);
            assertEquals(Outcome.CHANGED, store.delete(ALICE, 2500));
            cleanEverything(store);
            assertEquals(4999, store.forEach(ALICE, (c, lastRead, mentions, version) -> assertTrue(c != 2500)));
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldEvictTheOnlyUserToMakeRoomForAnother(final Stores kind)
    {
        try (ReadStateStore store = kind.create(4, 1))
        {
            assertEquals(Outcome.CHANGED, store.install(ALICE, new LoadedUser().add(GENERAL, 5, 0, 1)));
            assertEquals(Outcome.CHANGED, store.install(BOB, new LoadedUser().add(GENERAL, 6, 0, 1)));
            assertFalse(store.isResident(ALICE));
            assertTrue(store.isResident(BOB));
            assertEquals(1, store.evictions());
            assertTrue(store.evict(BOB));
            assertEquals(0, store.residentUsers());
            assertEquals(0, store.readStates());
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldEvictTheLeastRecentlyUsedCleanUser(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 8, 2, ALICE, BOB))
        {
            store.get(ALICE, GENERAL, new ReadState());
            assertEquals(Outcome.CHANGED, store.install(CAROL, new LoadedUser()));
            assertTrue(store.isResident(ALICE), "Alice was used after Bob");
            assertFalse(store.isResident(BOB));
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldKeepAUserJustUsedWithoutReadingItAndSayWhoIsNotResident(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 8, 2, ALICE, BOB))
        {
            assertTrue(store.use(ALICE));
            assertEquals(Outcome.CHANGED, store.install(CAROL, new LoadedUser()));
            assertTrue(store.isResident(ALICE), "Alice was used after Bob");
            assertFalse(store.isResident(BOB));
            assertFalse(store.use(BOB), "Bob is no longer resident");
            assertFalse(store.isResident(BOB), "a use loads nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldRefuseInsertsWhenOnlyDirtyUsersAreLeftAndHarmNothing(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 2, 2, ALICE, BOB))
        {
            assertEquals(Outcome.CHANGED, store.ack(ALICE, 1, 10));
            assertEquals(Outcome.CHANGED, store.ack(BOB, 1, 20));
            assertFalse(store.evict(ALICE), "a dirty user is never evicted");

            assertEquals(Outcome.FULL, store.ack(ALICE, 2, 30));
            assertEquals(Outcome.FULL, store.install(CAROL, new LoadedUser()));
            assertEquals(Outcome.CHANGED, store.ack(ALICE, 1, 11), "existing records still change");

            assertEquals(10 + 1, get(store, ALICE, 1).lastReadMessageId);
            assertEquals(20, get(store, BOB, 1).lastReadMessageId);
            assertEquals(2, store.dirtyRecords());
            assertEquals(0, store.evictions());

            cleanEverything(store);
            assertEquals(Outcome.CHANGED, store.install(CAROL, new LoadedUser()), "room once written");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldReinstallAnEvictedUserFromWhatWasWritten(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 8, 2, ALICE))
        {
            store.ack(ALICE, GENERAL, 42);
            final LoadedUser written = new LoadedUser();
            store.collectDirty(10, (u, c, lastRead, mentions, version, deleted) -> written.add(c, lastRead, mentions, version));
            cleanEverything(store);
            assertTrue(store.evict(ALICE));
            assertFalse(store.isResident(ALICE));
            assertEquals(Outcome.NOT_RESIDENT, store.ack(ALICE, GENERAL, 50));

            assertEquals(Outcome.CHANGED, store.install(ALICE, written));
            final ReadState state = get(store, ALICE, GENERAL);
            assertEquals(42, state.lastReadMessageId);
            assertEquals(1, state.version);
            assertEquals(0, store.dirtyRecords(), "a freshly loaded user is clean");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldKeepRecordDirtyWhenChangedWhileItsWriteWasInFlight(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 8, 2, ALICE))
        {
            store.ack(ALICE, GENERAL, 1);
            final long[] inFlight = new long[1];
            store.collectDirty(10, (u, c, lastRead, mentions, version, deleted) -> inFlight[0] = version);
            store.ack(ALICE, GENERAL, 2);
            assertFalse(store.markClean(ALICE, GENERAL, inFlight[0]));
            assertEquals(1, store.dirtyRecords());
            assertTrue(store.markClean(ALICE, GENERAL, inFlight[0] + 1));
            assertEquals(0, store.dirtyRecords());
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldReportDeletionsAsDirtyUntilWritten(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 8, 2, ALICE))
        {
            store.ack(ALICE, GENERAL, 1);
            store.ack(ALICE, 8, 1);
            cleanEverything(store);
            assertEquals(Outcome.CHANGED, store.deleteUser(ALICE));
            assertEquals(0, store.readStates());
            final List<String> deletions = new ArrayList<>();
            store.collectDirty(10, (u, c, lastRead, mentions, version, deleted) -> deletions.add(c + ":" + deleted + ":" + version));
            deletions.sort(null);
            assertEquals(List.of("7:true:2", "8:true:2"), deletions);
            assertFalse(store.evict(ALICE), "an unwritten deletion pins the user");
            cleanEverything(store);
            assertTrue(store.evict(ALICE));
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldRefuseToLoadAUserBiggerThanTheStore(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 2, 2, ALICE))
        {
            final LoadedUser huge = new LoadedUser().add(1, 1, 0, 1).add(2, 1, 0, 1).add(3, 1, 0, 1);
            assertEquals(Outcome.FULL, store.install(BOB, huge));
            assertTrue(store.isResident(ALICE), "nothing was evicted for an install that could not fit");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldKeepTheHighestVersionAndRefuseToChangeARecordThatReachedIt(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            final long highest = ReadStateRules.MAX_VERSION;
            assertTrue(store.evict(ALICE));
            assertEquals(Outcome.CHANGED,
                store.install(ALICE, new LoadedUser().add(GENERAL, 500, 2, highest - 1).add(GENERAL + 1, 500, 2, highest)));

            assertEquals(Outcome.CHANGED, store.ack(ALICE, GENERAL, 600));
            assertEquals(highest, get(store, ALICE, GENERAL).version);
            assertThrows(IllegalStateException.class, () -> store.ack(ALICE, GENERAL, 700));
            assertThrows(IllegalStateException.class, () -> store.delete(ALICE, GENERAL + 1));

            final ReadState refused = get(store, ALICE, GENERAL);
            assertEquals(600, refused.lastReadMessageId, "a refused change leaves the record as it was");
            assertEquals(highest, refused.version);
            assertEquals(500, get(store, ALICE, GENERAL + 1).lastReadMessageId);
            assertEquals(2, store.forEach(ALICE, (channel, lastRead, mentions, version) -> { }),
                "the highest versions leave the user's records linked");
        }
    }

    @ParameterizedTest
    @EnumSource(Stores.class)
    void shouldNotDeleteAUserInPartWhenOneOfItsRecordsReachedTheHighestVersion(final Stores kind)
    {
        try (ReadStateStore store = emptyResident(kind, 16, 4, ALICE))
        {
            assertTrue(store.evict(ALICE));
            // The record that cannot change sits between two that can, whichever way the user's records are walked.
            assertEquals(Outcome.CHANGED, store.install(ALICE, new LoadedUser()
                .add(GENERAL, 500, 2, 7).add(GENERAL + 1, 500, 2, ReadStateRules.MAX_VERSION).add(GENERAL + 2, 500, 2, 7)));

            assertThrows(IllegalStateException.class, () -> store.deleteUser(ALICE));

            assertEquals(3, store.readStates(), "no record was deleted");
            assertEquals(7, get(store, ALICE, GENERAL).version);
            assertEquals(7, get(store, ALICE, GENERAL + 2).version);
            assertTrue(store.evict(ALICE), "nothing was left dirty");
        }
    }

    @Test
    void shouldRefuseToLoadAVersionOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new LoadedUser().add(GENERAL, 500, 0, ReadStateRules.MAX_VERSION + 1));
        assertThrows(IllegalArgumentException.class, () -> new LoadedUser().add(GENERAL, 500, 0, -1));
    }
}
