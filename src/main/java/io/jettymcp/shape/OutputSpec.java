package io.jettymcp.shape;

import java.util.List;

/**
 * How a tool's JSON answer is shaped before it reaches the model.
 *
 * @param list     field of the answer holding the rows ({@code "trajectories"}), "" for a bare array, null for one object
 * @param key      name of the rows in the shaped result (default {@code items})
 * @param fields   what to keep of each row (or of the object): {@code "name"}, {@code "alias=path.to.x"},
 *                 {@code "step_count=workflow.steps#len"}; empty keeps everything
 * @param carry    top-level fields kept beside the rows ({@code has_more}, {@code total})
 * @param fullArg  a boolean argument that, when true, skips the field projection
 * @param more     what to tell the model when the answer had to be truncated
 */
public record OutputSpec(String list, String key, List<String> fields, List<String> carry, String fullArg, String more) {

    public static final OutputSpec NONE = new OutputSpec(null, "items", List.of(), List.of(), null, null);

    public OutputSpec {
        fields = List.copyOf(fields);
        carry = List.copyOf(carry);
    }
}
