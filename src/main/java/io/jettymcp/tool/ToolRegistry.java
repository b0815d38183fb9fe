package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.config.ConfigException;
import io.jettymcp.config.Settings;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.spec.Toolset;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which tools this configuration exposes (toolsets, --tools, --exclude-tools, read-only,
 * scope) and binds each to its handler, which the server puts behind the guard chain. All filtering happens here,
 * once, at start-up: a tool that is not listed cannot be called.
 */
public final class ToolRegistry {

    /** Not listed when the server is pinned by JETTY_COLLECTIONS: only user tokens may create collections. */
    static final String CREATE_COLLECTION = "create-collection";
    static final String ALWAYS_LOAD = "anthropic/alwaysLoad";
    static final String SEARCH_HINT = "anthropic/searchHint";

    private final List<ToolSpec> specs;
    private final Map<String, ToolHandler> named;
    private final ToolHandler rest;
    private final ObjectMapper mapper;

    public ToolRegistry(List<ToolSpec> specs, Map<String, ToolHandler> named, ToolHandler rest, ObjectMapper mapper) {
        // tools/list in name order on every start, whatever order the specs were found in: clients cache the list
        this.specs = specs.stream().sorted(java.util.Comparator.comparing(ToolSpec::name)).toList();
        this.named = Map.copyOf(named);
        this.rest = rest;
        this.mapper = mapper;
        for (ToolSpec s : specs) {
            if (s.handler() != null && !named.containsKey(s.handler())) {
                throw new ConfigException("Tool " + s.name() + " names handler '" + s.handler() + "', which does not exist.");
            }
        }
    }

    public List<ToolSpec> select(Settings settings) {
        return select(settings, name -> true);
    }

    /**
     * The specs this configuration exposes; unknown toolset or tool names stop start-up.
     *
     * @param policyListed false for tools the policy denies everywhere: they are not listed at all
     */
    public List<ToolSpec> select(Settings settings, java.util.function.Predicate<String> policyListed) {
        Set<String> names = new TreeSet<>();
        specs.forEach(s -> names.add(s.name()));
        for (String t : settings.toolsets()) {
            if (!t.equals(Toolset.EVERY) && !t.equals(Toolset.DEFAULT) && !Toolset.names().contains(t)) {
                throw new ConfigException("Unknown toolset '" + t + "'. Known toolsets: " + Toolset.EVERY + ", "
                        + Toolset.DEFAULT + ", " + new TreeSet<>(Toolset.names()) + ".");
            }
        }
        for (String t : union(settings.tools(), settings.excludeTools())) {
            if (!names.contains(t)) {
                throw new ConfigException("Unknown tool '" + t + "'. Known tools: " + names + ".");
            }
        }
        boolean allSets = settings.toolsets().isEmpty() || settings.toolsets().contains(Toolset.EVERY);
        boolean defaults = settings.toolsets().contains(Toolset.DEFAULT);
        List<ToolSpec> out = new ArrayList<>();
        for (ToolSpec s : specs) {
            boolean chosen = !settings.tools().isEmpty() ? settings.tools().contains(s.name())
                    : allSets || settings.toolsets().contains(s.toolset())
                    || (defaults && Toolset.inDefault(s.name()));
            if (!chosen || settings.excludeTools().contains(s.name())) {
                continue;
            }
            if ((settings.readOnly() && s.writes()) || !policyListed.test(s.name())) {
                continue;
            }
            if (s.name().equals(CREATE_COLLECTION) && !settings.collections().isEmpty()) {
                continue;
            }
            out.add(s);
        }
        return out;
    }

    public List<BoundTool> bind(List<ToolSpec> selected, String pinnedCollection) {
        List<BoundTool> out = new ArrayList<>();
        for (ToolSpec s : selected) {
            ObjectNode effective = effectiveInput(s, pinnedCollection);
            ToolHandler h = s.handler() == null ? rest : named.get(s.handler());
            out.add(new BoundTool(s, effective, h, definition(s, effective)));
        }
        return out;
    }

    /**
     * The input schema arguments are checked against ({@link BoundTool#effectiveInput()}; tools/list shows its
     * {@link PublishedSchema}): {@code collection} optional, and gone when the server is pinned.
     */
    public static ObjectNode effectiveInput(ToolSpec s, String pinned) {
        ObjectNode in = s.input().deepCopy();
        if (s.takesCollection()) {
            // collection defaults to the key's own scope (or is injected when pinned): never required of the model
            if (pinned != null) {
                ((ObjectNode) in.get("properties")).remove("collection");
            }
            if (in.get("required") instanceof ArrayNode req) {
                for (int i = req.size() - 1; i >= 0; i--) {
                    if (req.get(i).asText().equals("collection")) {
                        req.remove(i);
                    }
                }
            }
        }
        return in;
    }

    /**
     * What tools/list shows: the {@link PublishedSchema published schema}, title, all four annotations, and the
     * {@code _meta} hints a client's tool search reads.
     */
    @SuppressWarnings("unchecked")
    McpSchema.Tool definition(ToolSpec s, ObjectNode effective) {
        ObjectNode published = PublishedSchema.of(effective);
        // no additionalProperties:false: unknown arguments are refused by the validator with a clearer message,
        // and every byte of tools/list is model context
        McpSchema.Tool.Builder b = McpSchema.Tool.builder(s.name(), mapper.convertValue(published, Map.class))
                .title(s.title())
                .description(s.description())
                .annotations(new McpSchema.ToolAnnotations(null, s.annotations().readOnly(),
                        s.annotations().destructive(), s.annotations().idempotent(), s.annotations().openWorld(), null))
                .meta(searchMeta(s.search()));
        if (s.outputSchema() != null) {
            b.outputSchema(mapper.convertValue(s.outputSchema(), Map.class));
        }
        return b.build();
    }

    /** {@code anthropic/alwaysLoad} for the few core tools, {@code anthropic/searchHint} keywords for the rest. */
    static Map<String, Object> searchMeta(ToolSpec.Search search) {
        if (search.alwaysLoad()) {
            return Map.of(ALWAYS_LOAD, true);
        }
        return search.hint() == null ? null : Map.of(SEARCH_HINT, search.hint());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
