package io.readstates.store;

/**
 * What a store operation did. Enum constants are singletons, so returning one allocates nothing.
 */
public enum Outcome
{
    /** The record changed: its version was bumped and it is dirty until written. */
    CHANGED,
    /** The operation was valid but left every record as it was (for example a backwards plain ack). */
    UNCHANGED,
    /** The user is not resident: load it (see {@link ReadStateStore#install}) and try again. */
    NOT_RESIDENT,
    /** No room: every user that could be evicted is dirty. Nothing stored was changed. */
    FULL
}
