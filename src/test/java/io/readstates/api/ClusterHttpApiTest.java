package io.readstates.api;

import io.readstates.support.Api;
import io.readstates.support.TestCluster;

import java.util.Map;

/** The whole specification of the HTTP API, against a cluster of three nodes, every request sent to node 0. */
class ClusterHttpApiTest extends HttpApiTest
{
    private TestCluster cluster;

    @Override
    protected Api open() throws Exception
    {
        cluster = TestCluster.start(3, Map.of());
        return cluster.api(0);
    }

    @Override
    protected Api anotherNode()
    {
        return cluster.api(1);
    }

    @Override
    protected void stop()
    {
        cluster.close();
    }
}
