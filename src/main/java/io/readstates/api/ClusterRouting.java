package io.readstates.api;

import io.readstates.cluster.Ownership;
import io.readstates.domain.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Where a request is answered: here when this node owns its user, else by the owner, to which it is
 * forwarded. A node alone owns everyone, and this class then never forwards anything.
 */
public final class ClusterRouting
{
    private final Ownership ownership;
    private final BooleanSupplier quorum;
    private final LongSupplier residentUsers;
    private final Forwarder forwarder;

    /**
     * @param quorum whether this node sees enough of its cluster to serve
     * @param residentUsers how many users this node holds in memory
     */
    public ClusterRouting(final Vertx vertx, final Ownership ownership, final BooleanSupplier quorum,
        final LongSupplier residentUsers)
    {
        this.ownership = ownership;
        this.quorum = quorum;
        this.residentUsers = residentUsers;
        this.forwarder = new Forwarder(vertx, ownership.self());
    }

    Ownership ownership()
    {
        return ownership;
    }

    Forwarder forwarder()
    {
        return forwarder;
    }

    /** Refuses everything while this node cannot tell whether it is the one cut off from its cluster. */
    void checkQuorum()
    {
        if (!quorum.getAsBoolean())
        {
            throw Refusal.NO_QUORUM;
        }
    }

    /**
     * Answers the request {@code here} when this node owns the user, or another node forwarded it (one
     * hop at most: the shard refuses it if this node does not serve the user); else forwards it to the
     * owner and answers with the owner's answer.
     */
    void route(final RoutingContext ctx, final long userId, final Runnable here)
    {
        if (!ownership.clustered() || ctx.request().getHeader(Forwarder.FORWARDED) != null)
        {
            here.run();
            return;
        }
        checkQuorum();
        final Ownership.Member owner = ownership.ownerOf(userId);
        if (ownership.isSelf(owner))
        {
            here.run();
            return;
        }
        forwarder.send(owner, ctx.request().method(), ctx.request().uri(), ctx.request().headers(),
                ctx.body() == null ? null : ctx.body().buffer())
            .onSuccess(answer ->
            {
                ctx.response().setStatusCode(answer.status()).headers().addAll(answer.headers());
                ctx.response().end(answer.body());
            })
            .onFailure(ctx::fail);
    }

    /** This node: its id, address, slots served and users resident. */
    JsonObject node()
    {
        final Ownership.Member self = ownership.members().stream().filter(ownership::isSelf).findFirst()
            .orElse(ownership.self());
        return new JsonObject()
            .put("id", self.id())
            .put("address", self.httpAddress())
            .put("slots", ownership.servedSlots())
            .put("residentUsers", residentUsers.getAsLong());
    }

    /** The cluster as this node sees it, each member describing itself (null figures for one that did not answer). */
    Future<JsonObject> view(final RoutingContext ctx)
    {
        final List<Future<JsonObject>> answers = new ArrayList<>();
        for (final Ownership.Member member : ownership.members())
        {
            if (ownership.isSelf(member))
            {
                answers.add(Future.succeededFuture(node()));
                continue;
            }
            answers.add(forwarder.send(member, HttpMethod.GET, "/v1/cluster", ctx.request().headers(), null)
                .map(answer -> answer.status() == 200 ? answer.body().toJsonObject().getJsonObject("node") : null)
                .otherwise((JsonObject)null)
                .map(node -> node != null ? node : new JsonObject().put("id", member.id()).put("address", member.httpAddress())
                    .putNull("slots").putNull("residentUsers")));
        }
        return Future.all(answers).map(all ->
        {
            final JsonArray members = new JsonArray();
            answers.forEach(a -> members.add(a.result()));
            return new JsonObject()
                .put("node", node())
                .put("clustered", ownership.clustered())
                .put("quorum", quorum.getAsBoolean())
                .put("members", members);
        });
    }
}
