// Drives the MCP Apps views in headless Chromium for AppsBrowserTest: serves the test host page (on the extension's
// AppBridge, bundled once with esbuild), mounts each scenario's view with its tool input and result, forwards the
// view's tools/call to the jetty-mcp server under test (stateless HTTP, the extension declared per request), clicks
// what the scenario says, and reports the DOM, the tool calls and the screenshots as JSON on stdout.
// Usage: node drive.mjs SPEC.json   (SPEC: chromium, appsDir, hostDir, serverPort, outDir, views, scenarios)
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const require = createRequire(path.join(spec.appsDir, "package.json"));
const puppeteer = require("puppeteer-core");
const UI = { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: ["text/html;profile=mcp-app"] } } };

// the host page and the bridge bundle, on loopback
const files = { "/host.html": ["text/html", path.join(spec.hostDir, "host.html")], "/bridge.js": ["text/javascript", spec.bridgeJs] };
const server = http.createServer((req, res) => {
  const f = files[req.url];
  if (!f) { res.writeHead(req.url === "/favicon.ico" ? 204 : 404); res.end(); return; }
  res.writeHead(200, { "content-type": f[0] });
  res.end(fs.readFileSync(f[1]));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = "http://127.0.0.1:" + server.address().port;

let rpcId = 1000;
async function mcpCall(params) {
  const body = { jsonrpc: "2.0", id: rpcId++, method: "tools/call",
    params: { ...params, _meta: { "io.modelcontextprotocol/clientCapabilities": UI } } };
  const res = await fetch("http://127.0.0.1:" + spec.serverPort + "/mcp", { method: "POST", body: JSON.stringify(body),
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" } });
  let text = await res.text();
  if (!text.startsWith("{")) text = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).pop();
  const msg = JSON.parse(text);
  if (msg.error) throw new Error(msg.error.message);
  return msg.result;
}

const browser = await puppeteer.launch({ executablePath: spec.chromium, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"] });
const report = [];
try {
  for (const sc of spec.scenarios) {
    const page = await browser.newPage();
    await page.setViewport({ width: 720, height: 900 });
    const calls = [], links = [], consoleErrors = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    await page.exposeFunction("hostCallTool", async (params) => {
      calls.push({ name: params.name, arguments: params.arguments });
      return mcpCall(params);
    });
    await page.exposeFunction("hostOpenLink", async (url) => { links.push(url); });
    await page.goto(base + "/host.html");
    await page.evaluate((html, input, result, theme) => window.mountView(html, input, result, theme),
      spec.views[sc.view], sc.toolInput, sc.toolResult, sc.theme || "light");
    await page.waitForFunction(() => window.viewFed === true, { timeout: 10000 });
    const frame = (await (await page.$("#view")).contentFrame());
    const facts = async () => frame.evaluate(() => {
      const t = (s) => { const n = document.querySelector(s); return n ? n.textContent : null; };
      return {
        title: t("#title"), status: t("#status"), verdict: t("#verdict"), meta: t("#meta"),
        error: document.querySelector("#error") && !document.querySelector("#error").hidden ? t("#error") : null,
        general: t("#general"),
        steps: [...document.querySelectorAll("[data-step]")].map((n) => ({ step: n.getAttribute("data-step"),
          status: n.querySelector(".badge") ? n.querySelector(".badge").textContent : null, text: n.textContent,
          findings: [...n.querySelectorAll(".finding")].map((f) => f.textContent) })),
        labels: [...document.querySelectorAll(".label")].map((n) => n.textContent),
        images: [...document.querySelectorAll(".imgs img")].map((i) => ({ data: i.src.startsWith("data:image/"), width: i.naturalWidth })),
        injected: !!document.querySelector("img[src='x'], .out script, .err script, .label img"),
        pwned: window.__pwned === 1,
        note: t("#note"),
      };
    });
    // the first render: the view has its result
    await frame.waitForFunction(() => { const s = document.querySelector("#status"); const g = document.querySelector("#graph");
      return (s && s.textContent !== "waiting") || (g && g.childNodes.length > 0) || document.querySelector("#desc")?.textContent !== "Waiting for the tool result…"; }, { timeout: 10000 });
    if (sc.waitImages) await frame.waitForFunction(() => { const i = document.querySelectorAll(".imgs img");
      return i.length > 0 && [...i].every((x) => x.naturalWidth > 0); }, { timeout: 10000 });
    if (sc.waitDiagnosis) await frame.waitForFunction(() => /Likely causes/.test(document.querySelector("#error")?.textContent || ""), { timeout: 10000 });
    const first = await facts();
    await page.screenshot({ path: path.join(spec.outDir, sc.name + ".png"), clip: await (await page.$("#view")).boundingBox() });
    for (const a of sc.actions || []) {
      if (a.type) await frame.type(a.type[0], a.type[1]);
      if (a.click) await frame.click(a.click);
      if (a.waitFor) await frame.waitForFunction("(" + a.waitFor + ")()", { timeout: a.timeoutMs || 15000 });
    }
    await new Promise((r) => setTimeout(r, 200));
    const last = await facts();
    report.push({ name: sc.name, first, last, calls, links, consoleErrors });
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(report));
