package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** F3: a validation error names a secret argument and never quotes its value (every secret property of every tool). */
class SecretArgumentEchoTest {

    static final ObjectMapper M = new ObjectMapper();

    @Test
    void aRefusedSecretArgumentIsNamedButNeverQuoted() {
        ArgumentValidator validator = new ArgumentValidator();
        List<String> checked = new ArrayList<>();
        for (ToolSpec spec : new SpecLoader(M).loadPackaged()) {
            for (Map.Entry<String, JsonNode> p : spec.input().path("properties").properties()) {
                String kind = p.getValue().path("x-kind").asText("");
                if (!kind.equals("secret") && !kind.equals("secret-map")) {
                    continue;
                }
                // the wrong type for the property: a number for a secret, a string for a map of secrets
                List<JsonNode> wrong = kind.equals("secret")
                        ? List.of(M.valueToTree(98765432101L), M.valueToTree(true), M.valueToTree("s3cret\u0000value-xyz"))
                        : List.of(M.valueToTree("s3cret-map-value-xyz"), M.valueToTree(98765432101L),
                        M.valueToTree(List.of("s3cret-in-array-xyz")));
                for (JsonNode bad : wrong) {
                    ObjectNode args = M.createObjectNode();
                    args.set(p.getKey(), bad); // first: checked before any other argument
                    spec.input().path("required").forEach(r -> args.putIfAbsent(r.asText(), M.valueToTree("x")));
                    Throwable t = catchThrowable(() -> validator.validate(spec.input(), args));
                    String where = spec.name() + "." + p.getKey() + " = " + bad;
                    assertThat(t).as(where).isInstanceOf(ToolError.class);
                    assertThat(t.getMessage()).as(where).contains(p.getKey())
                            .doesNotContain("98765432101").doesNotContain("s3cret").doesNotContain("true");
                    checked.add(where);
                }
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(6 * 3);
    }
}
