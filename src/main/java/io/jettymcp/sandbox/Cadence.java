package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A routine's schedule, UTC only. Validation answers 422 for shape/range errors (what pydantic
 * would reject) and 400 for the cross-field rules the routines service enforces itself.
 */
record Cadence(String type, Integer hourUtc, int minuteUtc, String dayOfWeek) {

    static final List<String> TYPES = List.of("manual", "hourly", "daily", "weekdays", "weekly");
    static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final Set<String> FIELDS = Set.of("type", "hour_utc", "minute_utc", "day_of_week");

    static Cadence parse(JsonNode n) {
        if (n == null || n.isNull()) {
            throw ApiError.missing("body", "cadence");
        }
        if (!n.isObject()) {
            throw ApiError.validation(List.of("body", "cadence"), "Input should be a valid dictionary", "dict_type");
        }
        JsonNode type = n.get("type");
        if (type == null || type.isNull()) {
            throw ApiError.missing("body", "cadence", "type");
        }
        if (!type.isTextual() || !TYPES.contains(type.asText())) {
            throw ApiError.validation(List.of("body", "cadence", "type"),
                    "Input should be 'manual', 'hourly', 'daily', 'weekdays' or 'weekly'", "enum");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiError.validation(List.of("body", "cadence", unknown.get(0)), "Extra inputs are not permitted",
                    "extra_forbidden");
        }
        Integer hour = intField(n, "hour_utc", 0, 23);
        Integer minute = intField(n, "minute_utc", 0, 59);
        String day = null;
        JsonNode d = n.get("day_of_week");
        if (d != null && !d.isNull()) {
            if (!d.isTextual() || !DAYS.contains(d.asText().toLowerCase(java.util.Locale.ROOT))) {
                throw ApiError.validation(List.of("body", "cadence", "day_of_week"),
                        "Input should be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'", "enum");
            }
            day = d.asText().toLowerCase(java.util.Locale.ROOT);
        }
        String t = type.asText();
        List<String> rejected = new ArrayList<>();
        switch (t) {
            case "manual" -> {
                if (hour != null) {
                    rejected.add("hour_utc");
                }
                if (minute != null) {
                    rejected.add("minute_utc");
                }
                if (day != null) {
                    rejected.add("day_of_week");
                }
            }
            case "hourly" -> {
                if (hour != null) {
                    rejected.add("hour_utc");
                }
                if (day != null) {
                    rejected.add("day_of_week");
                }
            }
            case "daily", "weekdays" -> {
                if (day != null) {
                    rejected.add("day_of_week");
                }
            }
            default -> {
            }
        }
        if (!rejected.isEmpty()) {
            throw ApiError.detail(400, "cadence type '" + t + "' does not accept " + String.join(", ", rejected)
                    + (t.equals("manual") ? " (manual routines only fire via run-now; send {\"type\": \"manual\"})" : ""));
        }
        if (List.of("daily", "weekdays", "weekly").contains(t) && hour == null) {
            throw ApiError.detail(400, "cadence type '" + t + "' requires hour_utc (0-23)");
        }
        if (t.equals("weekly") && day == null) {
            throw ApiError.detail(400, "cadence type 'weekly' requires day_of_week (one of " + String.join(", ", DAYS) + ")");
        }
        return new Cadence(t, hour, minute == null ? 0 : minute, day);
    }

    private static Integer intField(JsonNode n, String f, int min, int max) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw ApiError.validation(List.of("body", "cadence", f), "Input should be a valid integer", "int_type");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw ApiError.validation(List.of("body", "cadence", f),
                    "Input should be " + (i < min ? "greater than or equal to " + min : "less than or equal to " + max),
                    i < min ? "greater_than_equal" : "less_than_equal");
        }
        return i;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.obj();
        o.put("type", type);
        if (!type.equals("manual")) {
            if (hourUtc != null) {
                o.put("hour_utc", hourUtc);
            }
            o.put("minute_utc", minuteUtc);
            if (dayOfWeek != null) {
                o.put("day_of_week", dayOfWeek);
            }
        }
        return o;
    }

    /** The first firing strictly after {@code after}; null for manual routines. */
    Instant next(Instant after) {
        if (type.equals("manual")) {
            return null;
        }
        ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        if (type.equals("hourly")) {
            ZonedDateTime c = t.withMinute(minuteUtc);
            while (!c.toInstant().isAfter(after)) {
                c = c.plusHours(1);
            }
            return c.toInstant();
        }
        ZonedDateTime c = t.withHour(hourUtc).withMinute(minuteUtc);
        for (int i = 0; i < 15; i++, c = c.plusDays(1)) {
            if (!c.toInstant().isAfter(after)) {
                continue;
            }
            DayOfWeek dow = c.getDayOfWeek();
            boolean ok = switch (type) {
                case "weekdays" -> dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
                case "weekly" -> DAYS.get(dow.getValue() - 1).equals(dayOfWeek);
                default -> true;
            };
            if (ok) {
                return c.toInstant();
            }
        }
        throw new IllegalStateException("no next firing for " + this);
    }

}
