package io.jettymcp.tools;

import java.util.Map;
import java.util.TreeMap;

/** The named Java handlers that tool specs can refer to with {@code "handler": "<name>"}. */
public final class Handlers {

    private Handlers() {
    }

    public static Map<String, ToolHandler> all(ToolContext ctx) {
        Map<String, ToolHandler> m = new TreeMap<>();
        ContextTools context = new ContextTools(ctx);
        CollectionTools collections = new CollectionTools(ctx);
        TaskTools tasks = new TaskTools(ctx);
        m.put("whoami", context::whoami);
        m.put("list-collections", collections::list);
        m.put("create-collection", collections::create);
        m.put("search-tasks", tasks::search);
        m.put("validate-workflow", tasks::validate);
        m.put("diagnose-trajectory", new Diagnosis(ctx.mapper())::diagnose);
        return m;
    }
}
