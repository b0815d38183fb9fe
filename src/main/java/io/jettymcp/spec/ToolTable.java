package io.jettymcp.spec;

import java.util.List;

/** The README's tool table, generated from the specs (a test fails when the README is stale). */
public final class ToolTable {

    public static final String BEGIN = "<!-- tool-table:begin (generated from tool-specs: mvn test -Dreadme.update=true) -->";
    public static final String END = "<!-- tool-table:end -->";

    private ToolTable() {
    }

    public static String markdown(List<ToolSpec> specs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| toolset | tool | what it does | hints |\n|---|---|---|---|\n");
        specs.stream()
                .sorted(java.util.Comparator.comparing(ToolSpec::toolset).thenComparing(ToolSpec::name))
                .forEach(s -> sb.append("| ").append(s.toolset())
                        .append(" | `").append(s.name()).append("`").append(Toolset.inDefault(s.name()) ? "" : " *opt-in*")
                        .append(" | ").append(firstSentence(s.description()))
                        .append(" | ").append(hints(s)).append(" |\n"));
        return sb.toString();
    }

    static String firstSentence(String d) {
        int dot = d.indexOf(". ");
        String s = dot < 0 ? d : d.substring(0, dot + 1);
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String hints(ToolSpec s) {
        ToolSpec.Annotations a = s.annotations();
        if (a.readOnly()) {
            return "read-only";
        }
        return (a.destructive() ? "destructive" : "write") + (a.idempotent() ? ", idempotent" : "");
    }
}
