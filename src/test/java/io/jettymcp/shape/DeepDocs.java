package io.jettymcp.shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Task-shaped documents of a given size and nesting depth, as a hostile or careless Jetty answer could be. */
public final class DeepDocs {

    private static final ObjectMapper M = new ObjectMapper();

    private DeepDocs() {
    }

    /**
     * A task whose workflow nests {@code depth} levels, each an object holding text and a two-item list
     * (the next level and a note), about {@code bytes} in all.
     */
    public static ObjectNode nested(int depth, int bytes) {
        int perLevel = Math.max(16, bytes / depth / 2);
        ObjectNode root = M.createObjectNode().put("name", "deep").put("description", "nested " + depth);
        ObjectNode level = root.putObject("workflow");
        for (int i = 0; i < depth; i++) {
            level.put("name", "level-" + i).put("text", "t".repeat(perLevel));
            ArrayNode children = level.putArray("children");
            ObjectNode next = children.addObject();
            children.addObject().put("note", "n".repeat(perLevel));
            level = next;
        }
        level.put("name", "leaf");
        return root;
    }

    /** A flat task of about {@code bytes}: many step configs, each a small object with a 180-character prompt. */
    public static ObjectNode wide(int bytes) {
        return wide(bytes, 180);
    }

    /** A flat task of about {@code bytes}: step configs, each a small object with a prompt of {@code promptChars}. */
    public static ObjectNode wide(int bytes, int promptChars) {
        ObjectNode root = M.createObjectNode().put("name", "big").put("description", "wide");
        ObjectNode wf = root.putObject("workflow");
        ArrayNode steps = wf.putArray("steps");
        ObjectNode configs = wf.putObject("step_configs");
        int n = bytes / (promptChars + 80);
        for (int i = 0; i < n; i++) {
            steps.add("step_" + i);
            configs.putObject("step_" + i).put("activity", "text_echo")
                    .putObject("params").put("prompt", "p".repeat(promptChars)).put("i", i);
        }
        return root;
    }
}
