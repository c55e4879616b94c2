package io.readstates.cluster;

import io.readstates.gateway.UserTokens;
import io.readstates.support.GatewayClient;
import io.readstates.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A WebSocket client may connect to any node of a cluster and gets every push for its user, wherever it is owned. */
class ClusterGatewayTest
{
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";

    @Test
    void clientOnOneNodeShouldReceivePushesForAcksMadeThroughTheOthersAcrossARestartOfTheOwner() throws Exception
    {
        final Vertx vertx = Vertx.vertx();
        try (TestCluster cluster = TestCluster.start(3, Map.of("READSTATES_USER_TOKEN_SECRET", SECRET)))
        {
            final long user = cluster.usersOwnedBy(1, 1).get(0);
            boolean failed = true;
            try (GatewayClient client = GatewayClient.identified(cluster.node(0).port(), new UserTokens(vertx, SECRET).issue(user, 600)))
            {
                assertEquals(String.valueOf(user), client.ready().getString("userId"));
                ack(cluster, 1, user, 7, 100);
                assertEquals("100", pushed(client, "7").getString("lastMessageId"), "an ack through the owner");
                ack(cluster, 2, user, 8, 200);
                final JsonObject beforeTheMove = pushed(client, "8");
                assertEquals("200", beforeTheMove.getString("lastMessageId"), "an ack through a third node");

                // The owner goes and comes back: the user moves to another node, then back to it.
                assertEquals(0, cluster.node(1).terminate());
                cluster.awaitServing(0, 2, 60_000);
                ack(cluster, 2, user, 9, 300);
                final JsonObject whileAway = pushed(client, "9");
                assertEquals("300", whileAway.getString("lastMessageId"), "an ack while the owner is away");
                assertTrue(whileAway.getLong("epoch") > beforeTheMove.getLong("epoch"),
                    "a new owner's frames order after the old one's: " + beforeTheMove + " then " + whileAway);
                cluster.restart(1);
                cluster.awaitServing(0, 3, 60_000);
                cluster.awaitServing(1, 3, 60_000);
                ack(cluster, 2, user, 10, 400);
                final JsonObject back = pushed(client, "10");
                assertEquals("400", back.getString("lastMessageId"), "an ack once the owner is back");
                assertTrue(back.getLong("epoch") > whileAway.getLong("epoch"), "taken back under a newer epoch still");

                client.send(new JsonObject().put("op", "ack").put("channelId", "11").put("messageId", "500"));
                assertEquals("500", pushed(client, "11").getString("lastMessageId"), "an ack of the client itself");
                assertEquals("500", cluster.api(2).get("/v1/users/" + user + "/channels/11/read-state").json()
                    .getString("lastMessageId"));
                failed = false;
            }
            finally
            {
                cluster.printLogsIf(failed);
            }
        }
        finally
        {
            vertx.close();
        }
    }

    private static void ack(final TestCluster cluster, final int node, final long user, final long channel, final long message)
    {
        assertEquals(200, cluster.api(node).post("/v1/users/" + user + "/channels/" + channel + "/ack",
            "{\"messageId\":\"" + message + "\"}").status());
    }

    private static JsonObject pushed(final GatewayClient client, final String channelId) throws InterruptedException
    {
        return client.next(f -> "read_state".equals(f.getString("op")) && channelId.equals(f.getString("channelId")), 15_000);
    }
}
