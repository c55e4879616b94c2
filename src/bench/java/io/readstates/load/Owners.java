package io.readstates.load;

import io.readstates.ownership.Slots;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Which users a run asks for, and where it sends them, by where they are owned: {@code --owner=any} (the
 * default: any user, to each {@code --url} in turn), {@code local} (only users the node of the first
 * {@code --url} owns), {@code remote} (only users it forwards) or {@code routed} (any user, each sent to
 * its owner, as a caller that knows the owners would). The owners come from the slot map that the first
 * node answers at {@code /v1/cluster}, with the slot function every caller may compute.
 */
final class Owners
{
    /** The HTTP address of each slot's owner. */
    private final List<String> owners;
    private final String self;

    private Owners(final List<String> owners, final String self)
    {
        this.owners = owners;
        this.self = self;
    }

    /** @return the users the run asks for */
    static LongPredicate filter(final Options options) throws Exception
    {
        final String owner = options.text("owner", "any");
        if ("any".equals(owner) || "routed".equals(owner))
        {
            return user -> true;
        }
        if (!"local".equals(owner) && !"remote".equals(owner))
        {
            throw new IllegalArgumentException("--owner takes any, local, remote or routed, not " + owner);
        }
        final Owners owners = read(options);
        final boolean local = "local".equals(owner);
        return user -> owners.ownerOf(user).equals(owners.self) == local;
    }

    /** @return with {@code --owner=routed}, the host:port of each user's owner; else null */
    static java.util.function.LongFunction<String> router(final Options options) throws Exception
    {
        if (!"routed".equals(options.text("owner", "any")))
        {
            return null;
        }
        return read(options)::ownerOf;
    }

    private String ownerOf(final long user)
    {
        return owners.get(Slots.of(user));
    }

    private static Owners read(final Options options) throws Exception
    {
        final String url = options.text("url", "http://127.0.0.1:8080").split(",")[0].trim();
        final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/cluster"))
            .header("Authorization", "Bearer " + options.text("token", System.getenv().getOrDefault("READSTATES_INTERNAL_TOKEN", "")))
            .build(), HttpResponse.BodyHandlers.ofString());
        final JsonObject view = new JsonObject(answer.body());
        final List<String> owners = new ArrayList<>();
        view.getJsonArray("slotMap").forEach(slot -> owners.add(((JsonObject)slot).getString("owner")));
        return new Owners(owners, view.getJsonObject("node").getString("address"));
    }
}
