package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** Health, whoami, the OpenAPI stub, step templates, datasets and models. */
final class CoreApi {

    private final Sim sim;
    private final ObjectNode templates;

    CoreApi(Sim sim) {
        this.sim = sim;
        this.templates = loadTemplates();
    }

    void register(Router r) {
        r.add("GET", "/api/v1/health", ex -> Reply.json(Json.obj().put("status", "healthy")));
        r.add("GET", "/api/v1/auth/whoami", this::whoami);
        r.add("GET", "/openapi.json", ex -> Reply.json(openapi(r)));
        r.add("GET", "/docs", ex -> Reply.html(200, null,
                "<!DOCTYPE html><html><head><title>mise sandbox - Swagger UI</title></head>"
                        + "<body><p>Sandbox API. Spec: <a href=\"/openapi.json\">/openapi.json</a></p></body></html>"));
        r.add("GET", "/api/v1/step-templates", ex -> {
            ObjectNode all = templates.deepCopy();
            all.get("templates").forEach(this::asSwitched);
            return Reply.json(all);
        });
        r.add("GET", "/api/v1/step-templates/{name}", this::template);
        r.add("GET", "/api/v1/datasets/{c}", ex -> list(ex, true));
        r.add("GET", "/api/v1/models/{c}/", ex -> list(ex, false));
        r.add("GET", "/api/v1/collections/{c}/datasets/", ex -> list(ex, true));
        r.add("GET", "/api/v1/connected-accounts", ex -> {
            userOnly(ex);
            return Reply.json(Json.arr());
        });
        r.add("POST", "/api/v1/connected-accounts/nous/link", ex -> {
            userOnly(ex);
            JsonNode b = ex.jsonBody();
            if (!b.path("refresh_token").isTextual()) {
                throw ApiError.missing("body", "refresh_token");
            }
            ObjectNode o = Json.obj();
            o.put("provider", "nous");
            o.put("status", "linked");
            o.put("account_label", "sandbox-nous");
            o.put("subscription_tier", "sandbox");
            return Reply.json(o);
        });
        r.add("POST", "/api/v1/connected-accounts/{provider}/begin", ex -> {
            userOnly(ex);
            String prov = ex.param("provider");
            if (!prov.equals("codex") && !prov.equals("anthropic")) {
                throw ApiError.detail(404, "Unknown provider '" + prov + "'");
            }
            return Reply.json(Json.obj().put("authorize_url", "https://example.invalid/sandbox-oauth/" + prov));
        });
        r.add("GET", "/api/v1/collections/{c}/agents/", ex -> {
            Principal p = sim.auth.require(ex);
            sim.collection(p, ex.param("c"), false, "Collection not found");
            return Reply.json(Json.arr());
        });
    }

    /** Connected accounts belong to a Clerk user: API keys cannot see them. */
    private void userOnly(Exchange ex) {
        Principal p = sim.auth.require(ex);
        if (p.isApiKey()) {
            throw ApiError.detail(403, "Connected accounts require a user token (JWT); API keys are collection-scoped");
        }
    }

    /** Answers as the {@code whoami} switch says; modes without the route answer before any auth check. */
    private Reply whoami(Exchange ex) {
        return switch (sim.switches.whoami()) {
            case NORMAL -> whoamiFields(ex);
            case ABSENT -> Reply.json(404, Json.obj().put("detail", "Not Found"));
            case METHOD_NOT_ALLOWED -> Reply.json(405, Json.obj().put("detail", "Method Not Allowed")).header("allow", "POST");
            case REDIRECT -> Reply.empty(307).header("location", "/api/v1/auth/whoami/");
            case HTML -> Reply.html(200, null, "<!DOCTYPE html><html><head><title>Jetty</title></head><body>"
                    + "<div id=\"root\"></div></body></html>");
            case NO_FIELDS -> {
                sim.auth.require(ex);
                yield Reply.json(Json.obj());
            }
            case SERVER_ERROR -> Reply.json(503, Json.obj().put("detail", "Authentication service temporarily unavailable"));
            case SLOW -> {
                Reply r = whoamiFields(ex);
                yield Reply.later(reactor.core.publisher.Mono.delay(SandboxSwitches.SLOW_WHOAMI).thenReturn(r));
            }
        };
    }

    private Reply whoamiFields(Exchange ex) {
        Principal p = sim.auth.require(ex);
        ObjectNode o = Json.obj();
        o.put("auth_type", p.authType());
        o.put("access_level", p.write() ? "WRITE" : "READ");
        o.put("identifier", p.identifier());
        if (p.scope() == null) {
            o.putNull("collection_scope");
        } else {
            o.put("collection_scope", p.scope());
        }
        return Reply.json(o);
    }

    private Reply template(Exchange ex) {
        String name = ex.param("name");
        for (JsonNode t : templates.get("templates")) {
            if (t.get("activity_name").asText().equalsIgnoreCase(name)) {
                return Reply.json(asSwitched(t.deepCopy()));
            }
        }
        throw ApiError.detail(404, "Step template '" + name + "' not found");
    }

    /** A template copy as the switches want it: without the parameter layout we guessed (§7 E8). */
    private JsonNode asSwitched(JsonNode template) {
        if (sim.switches.templatesWithoutParameters() && template instanceof ObjectNode o) {
            o.remove(List.of("parameters", "required_one_of"));
        }
        return template;
    }

    private Reply list(Exchange ex, boolean datasets) {
        Principal p = sim.auth.require(ex);
        int skip = ex.intQuery("skip", 0, 0, Integer.MAX_VALUE);
        int limit = ex.intQuery("limit", 100, 0, 1000);
        CollectionRec c = sim.collection(p, ex.param("c"), false, "Collection not found");
        ArrayNode src = datasets ? c.datasets : c.models;
        ArrayNode out = Json.arr();
        for (int i = skip; i < src.size() && out.size() < limit; i++) {
            out.add(src.get(i).deepCopy());
        }
        return Reply.json(out);
    }

    private static ObjectNode loadTemplates() {
        try (InputStream in = CoreApi.class.getResourceAsStream("step-templates.json")) {
            if (in == null) {
                throw new IllegalStateException("step-templates.json missing from the classpath");
            }
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(in);
            ObjectNode out = Json.obj();
            out.set("templates", o.get("templates"));
            out.set("categories", o.get("categories"));
            out.put("total_count", o.get("templates").size());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A small OpenAPI document in FastAPI's layout, generated from the router's own table so it drifts with the
     * sandbox (what {@code jetty-mcp check} diffs); {@code {p:path}} is written {@code {p}}, as FastAPI does.
     */
    private static ObjectNode openapi(Router r) {
        ObjectNode doc = Json.obj();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "mise (Jetty flows-api) - sandbox simulator");
        info.put("version", "sandbox");
        ObjectNode paths = doc.putObject("paths");
        for (Router.Route route : r.routes()) {
            // like FastAPI's own: the admin surface and the documentation routes are not in the schema
            if (route.template().startsWith("/__sim") || route.template().equals("/openapi.json") || route.template().equals("/docs")) {
                continue;
            }
            String path = route.template().replace(":path}", "}");
            ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            ObjectNode op = item.putObject(route.method().toLowerCase(Locale.ROOT));
            op.put("summary", route.method() + " " + path);
            op.putObject("responses").putObject("200").put("description", "Successful Response");
        }
        return doc;
    }
}
