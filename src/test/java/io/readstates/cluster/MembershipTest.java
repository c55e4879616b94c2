package io.readstates.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only the members the configuration lists count: by address, or by a name that resolves to it. */
class MembershipTest
{
    private static final Map<String, List<String>> DNS = Map.of(
        "readstates-0.readstates-cluster", List.of("10.1.0.7"),
        "readstates-1.readstates-cluster", List.of("10.1.0.8"));

    private static boolean listed(final List<String> members, final String host, final int port)
    {
        return Membership.isListed(members, host, port, name -> DNS.getOrDefault(name, List.of()));
    }

    @Test
    void shouldCountAMemberListedByItsAddressOnItsPort()
    {
        final List<String> members = List.of("127.0.0.1:5701", "127.0.0.1:5702");
        assertTrue(listed(members, "127.0.0.1", 5702));
        assertFalse(listed(members, "127.0.0.1", 5703), "another port of a listed host");
        assertFalse(listed(members, "127.0.0.2", 5701), "another host on a listed port");
    }

    @Test
    void shouldCountAMemberListedByANameThatResolvesToIt()
    {
        final List<String> members = List.of("readstates-0.readstates-cluster:5701", "readstates-1.readstates-cluster:5701",
            "readstates-2.readstates-cluster:5701");
        assertTrue(listed(members, "10.1.0.8", 5701));
        assertFalse(listed(members, "10.1.0.9", 5701), "a pod the list does not name, though it knows the secret");
    }
}
