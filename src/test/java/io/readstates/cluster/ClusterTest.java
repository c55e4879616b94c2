package io.readstates.cluster;

import io.readstates.ownership.Slots;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RedisFixture;
import io.readstates.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three nodes, each its own JVM, behave as one service: any node answers for any user, with the same answer. */
class ClusterTest
{
    private static final int USERS = 60;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(RedisFixture.Kind.class)
    void anyNodeShouldAnswerForAnyUserWithTheSameReadStatesAndBadges(final RedisFixture.Kind redis) throws Exception
    {
        try (TestCluster cluster = TestCluster.start(redis, 3, Map.of()))
        {
            double served = 0;
            for (int node = 0; node < 3; node++)
            {
                assertEquals(1.0, io.readstates.support.Scrape.sum(cluster.api(node), "readstates_cluster_leased"),
                    "node " + node + " holds a lease");
                served += io.readstates.support.Scrape.sum(cluster.api(node), "readstates_cluster_served_slots");
            }
            assertEquals(1024.0, served, "the nodes' metrics say every slot is served once");
            for (int u = 1; u <= USERS; u++)
            {
                final Api.Reply ack = cluster.api(u % 3).post("/v1/users/" + u + "/channels/7/ack", "{\"messageId\":\"" + (100 + u) + "\"}");
                assertEquals(200, ack.status(), ack::toString);
            }
            // One message mentions users of every node; it is sent to one node.
            final StringBuilder mentions = new StringBuilder();
            for (int u = 1; u <= USERS; u++)
            {
                mentions.append(u == 1 ? "" : ",").append('"').append(u).append('"');
            }
            final Api.Reply message = cluster.api(1).post("/v1/messages",
                "{\"channelId\":\"7\",\"messageId\":\"500\",\"authorId\":\"1000\",\"guildId\":\"9\",\"mentions\":[" + mentions + "]}");
            assertEquals(202, message.status(), message::toString);

            for (int u = 1; u <= USERS; u++)
            {
                final String fromFirst = cluster.api(0).get("/v1/users/" + u + "/read-states").body();
                final String badges = cluster.api(0).get("/v1/users/" + u + "/badges").body();
                for (int node = 1; node < 3; node++)
                {
                    assertEquals(fromFirst, cluster.api(node).get("/v1/users/" + u + "/read-states").body(), "user " + u);
                    assertEquals(badges, cluster.api(node).get("/v1/users/" + u + "/badges").body(), "user " + u);
                }
                final JsonObject state = new JsonObject(fromFirst).getJsonArray("readStates").getJsonObject(0);
                assertEquals(String.valueOf(100 + u), state.getString("lastMessageId"));
                assertEquals(1, state.getInteger("mentionCount"), "one mention, counted once, by its owner");
                assertEquals(1, new JsonObject(badges).getInteger("mentionCount"));
            }
            final JsonObject author = new JsonObject(cluster.api(2).get("/v1/users/1000/channels/7/read-state").body());
            assertEquals("500", author.getString("lastMessageId"), "the author's read state is acked by its owner");

            final JsonObject view = cluster.api(1).get("/v1/cluster").json();
            assertEquals(3, view.getJsonArray("members").size());
            int slots = 0;
            long resident = 0;
            final Map<String, Integer> byId = new HashMap<>();
            for (final Object m : view.getJsonArray("members"))
            {
                final JsonObject member = (JsonObject)m;
                assertNotNull(member.getInteger("slots"), member::encode);
                assertTrue(member.getInteger("slots") > 100, "slots spread over the members: " + view.encode());
                slots += member.getInteger("slots");
                resident += member.getLong("residentUsers");
                byId.put(member.getString("id"), member.getInteger("slots"));
            }
            assertEquals(Slots.COUNT, slots);
            assertEquals(USERS + 1, resident, "each user resident on its owner only");
            assertTrue(byId.containsKey(view.getJsonObject("node").getString("id")), "the node is one of the members");
        }
    }

    @Test
    void shouldWaitForQuorumBeforeServingAnyone() throws Exception
    {
        try (TestCluster cluster = TestCluster.start(3, Map.of()))
        {
            cluster.node(1).kill();
            cluster.node(2).kill();
            final Api.Reply refused = Await.value("node 0 to see it is alone", TestCluster.FAILURE_TIMEOUT_MS + 20_000,
                () -> cluster.api(0).get("/v1/users/5/badges"), r -> r.status() == 503 && r.body().contains("no_quorum"));
            assertEquals("1", refused.retryAfter());
        }
    }
}
