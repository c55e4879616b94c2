package io.readstates;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of the service import one another one way only: from where a request enters down to
 * where its data lives and how it is written, never back up, directly or through others.
 */
class ArchitectureTest
{
    /**
     * The rooms, from where a request enters down to the words every room speaks. A package may import
     * only packages of a later line: api/gateway -> cluster -> shard -> persist/store -> ownership/wire -> domain.
     */
    private static final List<List<String>> LAYERS = List.of(
        List.of("io.readstates"),
        List.of("io.readstates.cli"),
        List.of("io.readstates.api"),
        List.of("io.readstates.gateway"),
        List.of("io.readstates.cluster"),
        List.of("io.readstates.shard"),
        List.of("io.readstates.config", "io.readstates.ops"),
        List.of("io.readstates.persist"),
        List.of("io.readstates.store.offheap", "io.readstates.store.onheap"),
        List.of("io.readstates.store"),
        List.of("io.readstates.ownership", "io.readstates.wire"),
        List.of("io.readstates.domain"));

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.readstates(?:\\.[a-z]\\w*)*)\\.[A-Z]",
        Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(io\\.readstates(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void shouldHaveNoPackageCycle() throws IOException
    {
        final Map<String, Set<String>> imports = imports();
        assertTrue(imports.size() > 10, "found the packages: " + imports.keySet());
        final List<String> cycle = findCycle(imports);
        assertTrue(cycle.isEmpty(), "packages import each other in a circle: " + String.join(" -> ", cycle));
    }

    @Test
    void shouldImportOnlyDownwardInTheOrderOfTheRooms() throws IOException
    {
        final Map<String, Set<String>> imports = imports();
        final Set<String> placed = new TreeSet<>();
        LAYERS.forEach(placed::addAll);
        assertEquals(placed, imports.keySet(), "every package has its place in the order, and every place a package");
        assertEquals(List.of(), upwardImports(imports));
    }

    @Test
    void shouldFindAnImportThatGoesUp()
    {
        final Map<String, Set<String>> graph = new TreeMap<>(Map.of(
            "io.readstates.ownership", Set.of("io.readstates.domain", "io.readstates.shard"),
            "io.readstates.cluster", Set.of("io.readstates.shard")));
        assertEquals(List.of("io.readstates.ownership -> io.readstates.shard"), upwardImports(graph));
    }

    /** @return each import of a package of the same or an earlier line, as "importer -> imported" */
    private static List<String> upwardImports(final Map<String, Set<String>> imports)
    {
        final List<String> upward = new ArrayList<>();
        imports.forEach((pkg, uses) ->
        {
            for (final String used : uses)
            {
                if (layerOf(used) <= layerOf(pkg))
                {
                    upward.add(pkg + " -> " + used);
                }
            }
        });
        return upward;
    }

    private static int layerOf(final String pkg)
    {
        for (int i = 0; i < LAYERS.size(); i++)
        {
            if (LAYERS.get(i).contains(pkg))
            {
                return i;
            }
        }
        throw new AssertionError(pkg + " has no place in the order of the rooms");
    }

    @Test
    void shouldKeepTheStoresBesideEachOtherAndBelowEverythingThatUsesThem() throws IOException
    {
        final Map<String, Set<String>> imports = imports();
        for (final String store : List.of("io.readstates.store", "io.readstates.store.offheap", "io.readstates.store.onheap"))
        {
            for (final String imported : imports.get(store))
            {
                assertTrue(imported.equals("io.readstates.store") || imported.equals("io.readstates.domain"),
                    store + " imports " + imported);
            }
        }
    }

    @Test
    void shouldKeepTheDomainFreeOfTheFramework() throws IOException
    {
        try (Stream<Path> files = Files.list(SOURCES.resolve("io/readstates/domain")))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                assertFalse(Files.readString(file).contains("io.vertx"), file + " uses Vert.x");
            }
        }
    }

    @Test
    void shouldFindACycleWhenThereIsOne()
    {
        final Map<String, Set<String>> graph = new TreeMap<>(Map.of(
            "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertEquals(List.of("a", "b", "c", "a"), findCycle(graph));
    }

    /** Package to the packages of the service it uses, through imports or qualified names. */
    private static Map<String, Set<String>> imports() throws IOException
    {
        final Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".java"))::iterator)
            {
                final String text = Files.readString(file);
                final Matcher pkg = PACKAGE.matcher(text);
                assertTrue(pkg.find(), file + " has no package");
                final Set<String> uses = graph.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
                for (final Pattern pattern : List.of(IMPORT, QUALIFIED))
                {
                    final Matcher m = pattern.matcher(text);
                    while (m.find())
                    {
                        uses.add(m.group(1));
                    }
                }
                uses.remove(pkg.group(1));
            }
        }
        return graph;
    }

    /** @return a path that comes back to where it started, or an empty list. */
    private static List<String> findCycle(final Map<String, Set<String>> graph)
    {
        final Set<String> done = new TreeSet<>();
        for (final String start : graph.keySet())
        {
            final List<String> path = new ArrayList<>();
            final List<String> cycle = walk(start, graph, path, done);
            if (!cycle.isEmpty())
            {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> walk(final String node, final Map<String, Set<String>> graph, final List<String> path,
        final Set<String> done)
    {
        final int seen = path.indexOf(node);
        if (seen >= 0)
        {
            final List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node))
        {
            return List.of();
        }
        path.add(node);
        for (final String next : graph.getOrDefault(node, Set.of()))
        {
            final List<String> cycle = walk(next, graph, path, done);
            if (!cycle.isEmpty())
            {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return List.of();
    }
}
