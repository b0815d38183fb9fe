package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Builds the seeded world: collections demo, acme and other with their tasks, env, data and trials. */
final class Seed {

    private Seed() {
    }

    static SimState create(long seed, Instant now) {
        SimState s = new SimState(seed);

        CollectionRec demo = s.addCollection(SandboxSeeds.DEMO, "Sandbox demo collection: echo, chat, image, judge and a runbook",
                "user_sandbox", now);
        demo.env.put("OPENROUTER_API_KEY", SandboxSeeds.DEMO_OPENROUTER_KEY);
        demo.env.put("PLAIN_SETTING", "hello");

        TaskRec echo = s.addTask(demo, "text-echo", wf("""
                {"init_params":{"text":"Hello from the Jetty sandbox!"},
                 "step_configs":{"echo":{"activity":"text_echo","text_path":"init_params.text"}},
                 "steps":["echo"]}"""), now);
        echo.description = "Echo the input text back (one text_echo step)";
        echo.isPrivate = false; // public: readable without a token

        s.addTask(demo, "simple-chat", wf("""
                {"init_params":{"prompt":"Write a haiku about harbours.","model":"openrouter/anthropic/claude-sonnet-4.6"},
                 "step_configs":{"chat":{"activity":"litellm_chat","model_path":"init_params.model",
                   "prompt_path":"init_params.prompt","system_prompt":"You are a concise assistant.","temperature":0.7}},
                 "steps":["chat"]}"""), now).description = "Single LLM call (litellm_chat)";

        s.addTask(demo, "image-gen", wf("""
                {"init_params":{"prompt":"A lighthouse at dusk, watercolor"},
                 "step_configs":{"generate":{"activity":"replicate_text2image","model":"black-forest-labs/flux-schnell",
                   "prompt_path":"init_params.prompt","aspect_ratio":"1:1"}},
                 "steps":["generate"]}"""), now).description = "Text to image (replicate_text2image)";

        s.addTask(demo, "judge", wf("""
                {"init_params":{"text":"The quick brown fox jumps over the lazy dog.",
                   "instruction":"Rate how clear this sentence is."},
                 "step_configs":{"judge":{"activity":"simple_judge","model":"openrouter/openai/gpt-4o-mini",
                   "item_path":"init_params.text","instruction_path":"init_params.instruction",
                   "judge_type":"scale","scale_range":[1,5],"with_explanation":true}},
                 "steps":["judge"]}"""), now).description = "LLM-as-judge on a text (simple_judge)";

        TaskRec runbook = s.addTask(demo, "pdf-amber-hawk", runbookWorkflow(
                "Read the PDF in /app/assets. Extract every table. Write extracted_tables.json, "
                        + "validation_report.json and summary.md to {{results_dir}}."), now);
        runbook.description = "Runbook: extract tables from a PDF";
        runbook.hasFileUploads = true;
        runbook.isChatFlow = true;

        addDataset(demo, 1, "harbour-tickets", "demo/datasets/harbour-tickets.csv", "csv");
        addDataset(demo, 2, "lighthouse-images", "demo/datasets/lighthouse-images", "image_folder");
        addModel(demo, 1, "ticket-classifier", "demo/models/ticket-classifier", "sklearn");
        addModel(demo, 2, "haiku-lora", "demo/models/haiku-lora", "peft-lora");

        CollectionRec acme = s.addCollection(SandboxSeeds.ACME, "Acme support automation (on trial, no provider key)",
                "user_acme", now);
        acme.trial.active = true;
        acme.trial.activatedAt = now;
        s.addTask(acme, "triage", wf("""
                {"init_params":{"ticket":"I cannot log in since the password reset."},
                 "step_configs":{"triage":{"activity":"litellm_chat","model":"openrouter/openai/gpt-4o-mini",
                   "prompt_path":"init_params.ticket",
                   "system_prompt":"Classify the support ticket. Answer JSON {category, priority}."}},
                 "steps":["triage"]}"""), now).description = "Classify a support ticket";

        CollectionRec other = s.addCollection(SandboxSeeds.OTHER, "A collection only the user token can see",
                "user_other", now);
        other.env.put("ANTHROPIC_API_KEY", "sk-ant-api03-sandboxOther9a8b7c6d5e4f3a2b1c0d");
        s.addTask(other, "secret-plan", wf("""
                {"init_params":{"text":"classified"},
                 "step_configs":{"echo":{"activity":"text_echo","text_path":"init_params.text"}},
                 "steps":["echo"]}"""), now).description = "Not visible to the demo or acme keys";
        return s;
    }

    /** The canonical runbook workflow mise auto-creates on the first chat-completions run. */
    static ObjectNode runbookWorkflow(String instruction) {
        ObjectNode w = wf("""
                {"init_params":{"agent":"claude-code","model":"anthropic/claude-sonnet-4.6","model_provider":"openrouter",
                   "instruction":"","vars":{"results_dir":"/app/results"},"file_paths":[]},
                 "step_configs":{"run":{"activity":"runbook","agent_path":"init_params.agent",
                   "model_path":"init_params.model","model_provider_path":"init_params.model_provider",
                   "instruction_path":"init_params.instruction","template_variables_path":"init_params.vars",
                   "files_path":"init_params.file_paths","snapshot":"python312-uv","cpus":4,"memory":"8G",
                   "timeout_sec":1200,"network_enabled":true}},
                 "steps":["run"]}""");
        ((ObjectNode) w.get("init_params")).put("instruction", instruction);
        return w;
    }

    static ObjectNode wf(String json) {
        return (ObjectNode) Json.parse(json);
    }

    private static void addDataset(CollectionRec c, int id, String name, String path, String format) {
        ObjectNode d = c.datasets.addObject();
        d.put("id", id);
        d.put("name", name);
        d.put("data_path", path);
        d.put("format", format);
        d.put("collection_id", c.id);
        d.put("collection_name", c.name);
        d.put("metadata_version", "1.0");
        d.putObject("dataset_metadata").put("rows", 120 * id);
        d.put("preview_type", "table");
        d.put("entity_type", "dataset");
        d.put("long_description", "Seeded sandbox dataset " + name);
        d.put("asset_origin", "sandbox");
        d.put("is_private", true);
        d.putNull("croissant_metadata");
    }

    private static void addModel(CollectionRec c, int id, String name, String path, String framework) {
        ObjectNode m = c.models.addObject();
        m.put("id", id);
        m.put("name", name);
        m.put("model_path", path);
        m.put("collection_id", c.id);
        m.put("collection_name", c.name);
        m.putObject("model_metadata").put("framework", framework);
        m.putObject("model_attributes").put("size_mb", 12 * id);
        m.put("entity_type", "trained_model");
        m.put("is_private", true);
    }
}
