package io.jettymcp.catalog.routines;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.SpecException;
import io.jettymcp.spec.ToolSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jetty's routine cadence rules (jetty-api.md §2.8), checked before any request so a bad schedule
 * costs no round trip: {@code manual} takes no other field; {@code hourly} only {@code minute_utc};
 * {@code daily}/{@code weekdays} need {@code hour_utc}; {@code weekly} needs {@code hour_utc} and
 * {@code day_of_week}; hours 0–23, minutes 0–59; UTC only.
 *
 * <p>The type and day names and the hour and minute maxima are the tool spec's, read from it ({@link #of}); the
 * per-type rules below must cover exactly the spec's types and fields, which {@link #of} checks at start-up.
 *
 * @param types     the spec's cadence types
 * @param days      the spec's {@code day_of_week} names
 * @param maxHour   the spec's {@code hour_utc} maximum
 * @param maxMinute the spec's {@code minute_utc} maximum
 */
public record Cadence(List<String> types, List<String> days, int maxHour, int maxMinute) {

    private static final String SCHEMA = "/properties/cadence";

    private static final Set<String> FIELDS = Set.of("type", "hour_utc", "minute_utc", "day_of_week");
    private static final Set<String> ZONE_FIELDS = Set.of("timezone", "time_zone", "tz", "hour", "minute", "utc_offset");
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "manual", Set.of(),
            "hourly", Set.of("minute_utc"),
            "daily", Set.of("hour_utc", "minute_utc"),
            "weekdays", Set.of("hour_utc", "minute_utc"),
            "weekly", Set.of("hour_utc", "minute_utc", "day_of_week"));

    /** The cadence rules of a routine tool whose input has a {@code cadence} object. */
    public static Cadence of(ToolSpec spec) {
        Cadence c = new Cadence(spec.inputEnum(SCHEMA + "/properties/type"),
                spec.inputEnum(SCHEMA + "/properties/day_of_week"),
                maximum(spec, "hour_utc"), maximum(spec, "minute_utc"));
        Set<String> fields = new TreeSet<>();
        spec.input().at(SCHEMA + "/properties").fieldNames().forEachRemaining(fields::add);
        if (!Set.copyOf(c.types).equals(ALLOWED.keySet()) || !fields.equals(FIELDS)) {
            throw new SpecException(spec.name() + ": cadence types " + c.types + " and fields " + fields
                    + " differ from the ones the server has rules for: " + new TreeSet<>(ALLOWED.keySet()) + ", "
                    + new TreeSet<>(FIELDS));
        }
        return c;
    }

    private static int maximum(ToolSpec spec, String field) {
        JsonNode max = spec.input().at(SCHEMA + "/properties/" + field + "/maximum");
        if (!max.isInt()) {
            throw new SpecException(spec.name() + ": no maximum at input" + SCHEMA + "/properties/" + field
                    + ", which the server reads");
        }
        return max.asInt();
    }

    /** Throws a {@link ToolError} naming every problem with the cadence; returns quietly when it is valid. */
    public void check(JsonNode c) {
        if (c == null || !c.isObject()) {
            throw ToolError.argument("cadence", "must be an object such as {\"type\":\"daily\",\"hour_utc\":9}");
        }
        List<String> problems = new ArrayList<>();
        JsonNode typeNode = c.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (type == null || !types.contains(type)) {
            throw ToolError.argument("cadence.type", "must be one of " + types
                    + (typeNode == null || typeNode.isNull() ? " (it is missing)" : ", got " + typeNode));
        }
        Set<String> allowed = ALLOWED.get(type);
        Set<String> extra = new TreeSet<>();
        c.fieldNames().forEachRemaining(f -> {
            if (!f.equals("type") && !allowed.contains(f) && !c.get(f).isNull()) {
                extra.add(f);
            }
        });
        for (String f : extra) {
            if (ZONE_FIELDS.contains(f)) {
                problems.add("'" + f + "' is not accepted: routines run in UTC only; convert the time to UTC and give "
                        + "hour_utc/minute_utc");
            } else if (!FIELDS.contains(f)) {
                problems.add("'" + f + "' is not a cadence field (fields: type, hour_utc, minute_utc, day_of_week)");
            } else if (type.equals("manual")) {
                problems.add("'" + f + "' is not allowed with type manual, which takes no other field (it fires only "
                        + "through run-routine-now)");
            } else if (type.equals("hourly")) {
                problems.add("'" + f + "' is not allowed with type hourly, which takes only minute_utc");
            } else {
                problems.add("'" + f + "' is only used by type weekly");
            }
        }
        if (Set.of("daily", "weekdays", "weekly").contains(type) && absent(c, "hour_utc")) {
            problems.add("type " + type + " needs hour_utc (0-" + maxHour + ", UTC)");
        }
        if (type.equals("weekly") && absent(c, "day_of_week")) {
            problems.add("type weekly needs day_of_week (one of " + String.join(", ", days) + ")");
        }
        range(c, "hour_utc", maxHour, allowed, problems);
        range(c, "minute_utc", maxMinute, allowed, problems);
        JsonNode day = c.get("day_of_week");
        if (allowed.contains("day_of_week") && day != null && !day.isNull()
                && !(day.isTextual() && days.contains(day.asText()))) {
            problems.add("day_of_week must be one of " + String.join(", ", days) + " (lower case), got " + day);
        }
        if (!problems.isEmpty()) {
            throw new ToolError("Invalid argument 'cadence': " + String.join("; ", problems)
                    + ". Nothing was sent to Jetty.");
        }
    }

    private static boolean absent(JsonNode c, String f) {
        return c.get(f) == null || c.get(f).isNull();
    }

    private static void range(JsonNode c, String f, int max, Set<String> allowed, List<String> problems) {
        JsonNode v = c.get(f);
        if (!allowed.contains(f) || v == null || v.isNull()) {
            return;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > max) {
            problems.add(f + " must be a whole number from 0 to " + max + ", got " + v);
        }
    }
}
