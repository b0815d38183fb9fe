package io.jettymcp.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Checks structured tool output against its output schema: an object, with the required fields,
 * each declared field of the declared JSON type. Enough for the schemas our own tools declare, and
 * it spares every stdio launch the SDK's default validator (a full JSON Schema engine plus a YAML
 * parser, ~300 classes loaded before {@code initialize} could be answered).
 */
final class StructuralSchemaValidator implements JsonSchemaValidator {

    private final McpJsonMapper mapper;

    StructuralSchemaValidator(McpJsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ValidationResponse validate(Map<String, Object> schema, Object value) {
        if (!(value instanceof Map<?, ?> obj)) {
            return ValidationResponse.asInvalid("structured content must be a JSON object");
        }
        for (Object r : (List<Object>) schema.getOrDefault("required", List.of())) {
            if (!obj.containsKey(r)) {
                return ValidationResponse.asInvalid("missing required field '" + r + "'");
            }
        }
        Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Object v = obj.get(p.getKey());
            Object type = ((Map<String, Object>) p.getValue()).get("type");
            if (v != null && type != null && !matches(type, v)) {
                return ValidationResponse.asInvalid("field '" + p.getKey() + "' is not of type " + type);
            }
        }
        try {
            return ValidationResponse.asValid(mapper.writeValueAsString(value));
        } catch (IOException e) {
            return ValidationResponse.asInvalid("structured content cannot be serialized");
        }
    }

    private static boolean matches(Object type, Object v) {
        if (type instanceof List<?> types) {
            return types.stream().anyMatch(t -> matches(t, v));
        }
        return switch (String.valueOf(type)) {
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger;
            case "number" -> v instanceof Number;
            case "boolean" -> v instanceof Boolean;
            case "array" -> v instanceof List<?>;
            case "object" -> v instanceof Map<?, ?>;
            case "null" -> false; // a null value is never present in the map here
            default -> true;
        };
    }
}
