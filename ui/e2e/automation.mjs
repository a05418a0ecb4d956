// The Automation tab end to end in a real browser, against `studio serve` on a temporary
// library: a workflow pasted as JSON (a task, then a condition on its output that runs a third
// step) is saved and drawn; a broken one is refused naming its step; a run is followed to its
// end with each step's status and time; Operations shows the health check and the audit log.
// Screenshots go to e2e/artifacts (automation-*.png).
// Needs: the `studio` binary (STUDIO_BIN), ui/dist built, /usr/bin/chromium (CHROMIUM to change).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startStudio, steps, stopStudio } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const home = mkdtempSync(join(tmpdir(), "studio-automation-"));
const bin = process.env.STUDIO_BIN ?? "studio";

// As the command line's own test writes it (crates/studio-cli/tests/workflow_resume.rs): two
// steps in the workflow's sequence, the second a condition that runs `big` when it holds.
const workflow = {
  workflow_id: "quick",
  name: "Quick check",
  steps: [
    { id: "measure", type: "task", agent_type: "assistant", task: "echo", config: { x: "${input.x}" } },
    { id: "check", type: "condition", expression: "measure.output.x > 1", true_steps: ["big"] },
    { id: "big", type: "task", agent_type: "assistant", task: "echo", config: { big: true } },
  ],
};
// The same, its condition reading a step that does not exist: refused naming the step.
const broken = {
  ...workflow,
  steps: workflow.steps.map((s) => (s.id === "check" ? { ...s, expression: "nobody.output.x > 1" } : s)),
};

const { step, counts } = steps();
const { child, info } = await startStudio(bin, ["--ui", join(here, "..", "dist")], { STUDIO_HOME: home });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const shot = (name) => page.screenshot({ path: join(artifacts, `automation-${name}.png`), fullPage: true });
const visible = (locator, timeout = 8000) => locator.first().waitFor({ timeout });
const expectText = (locator, text, timeout = 8000) => visible(locator.filter({ hasText: text }), timeout);
/** Waits until `locator` matches `n` elements (or `test(count)` holds), else says how many it saw. */
async function expectCount(locator, n, what, timeout = 8000) {
  const ok = typeof n === "function" ? n : (count) => count === n;
  const deadline = Date.now() + timeout;
  let count = await locator.count();
  while (!ok(count) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    count = await locator.count();
  }
  if (!ok(count)) throw new Error(`${what}: ${count}`);
}

const graph = () => page.getByTestId("workflow-graph");
const editor = () => page.getByTestId("workflow-json");

try {
  await step("a new project's Automation tab says how to start", async () => {
    await page.goto(info.url);
    await page.getByLabel("Project name").fill("Automated");
    await page.getByRole("button", { name: "Create" }).click();
    await expectText(page.getByTestId("project-name"), "Automated");
    // The tab is reached from the keyboard like the workbenches': Tab from the Data tab, Enter.
    await page.getByTestId("tab-data").focus();
    for (let i = 0; i < 10; i++) {
      const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
      if (focused === "tab-automation") break;
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await expectText(page.getByTestId("workflows-empty"), "No workflows yet");
    if ((await page.getByTestId("tab-automation").getAttribute("aria-selected")) !== "true")
      throw new Error("the Automation tab is not selected");
  });

  await step("a workflow pasted as JSON is saved, listed and drawn", async () => {
    await page.getByTestId("workflow-new").click();
    await expectText(page.getByTestId("workflow-item"), "New workflow");
    await editor().fill(JSON.stringify(workflow, null, 2));
    await page.getByTestId("workflow-save").click();
    await expectText(page.getByTestId("toast"), "Saved the workflow “Quick check”");
    const item = page.getByTestId("workflow-item").filter({ hasText: "Quick check" });
    await visible(item);
    await expectText(item, "by hand");
    // Three steps, drawn as three boxes; the condition's branches joined by one dot.
    const cells = (await item.locator("td").allTextContents()).map((t) => t.trim());
    if (cells.at(-1) !== "3") throw new Error(`the list says ${JSON.stringify(cells)}`);
    await expectCount(graph().getByTestId("wf-node"), 3, "boxes drawn");
    await expectCount(graph().getByTestId("wf-join"), 1, "joins drawn");
    const labels = await graph().getByTestId("wf-edge-label").allTextContents();
    if (!labels.includes("true") || !labels.includes("false"))
      throw new Error(`the condition's edges are labelled ${JSON.stringify(labels)}`);
    await expectText(page.getByTestId("wf-step-list"), "condition");
    await shot("1-saved");
  });

  await step("a workflow that cannot run is refused, naming its step (Ctrl+S in the editor)", async () => {
    await editor().fill(JSON.stringify(broken, null, 2));
    await editor().press("Control+s");
    const error = page.getByTestId("workflow-error");
    await expectText(error, "step 'check'");
    await expectText(error, "nobody");
    await shot("2-refused");
    // The saved workflow is the one that runs: back to it.
    await page.getByRole("button", { name: "Revert" }).click();
    const text = await editor().inputValue();
    if (!text.includes("measure.output.x > 1")) throw new Error(`Revert left ${text}`);
  });

  await step("a run is followed to its end: each step's status, kind and time", async () => {
    await page.getByLabel("Run input (JSON)").fill('{"x": 2}');
    await page.getByTestId("workflow-run").click();
    await expectText(page.getByTestId("wf-run-status"), "completed", 30000);
    const rows = page.getByTestId("wf-run-detail").getByTestId("wf-run-step");
    await expectCount(rows, 3, "step rows");
    for (const path of ["measure", "check", "big"]) {
      const row = rows.and(page.locator(`[data-path="${path}"]`));
      const status = await row.getAttribute("data-status");
      const took = (await row.getByTestId("wf-step-duration").textContent()).trim();
      if (status !== "completed" || !/^\d+(\.\d)? (ms|s)$/.test(took))
        throw new Error(`step ${path}: ${status}, took "${took}"`);
    }
    // The graph shows how each step went; the runs list how far the run got.
    await expectCount(graph().locator('[data-testid=wf-node][data-status="completed"]'), 3, "boxes completed");
    await expectText(page.getByTestId("wf-run"), "3/3");
    // A finished run takes no more controls.
    const detail = page.getByTestId("wf-run-detail");
    if (!(await detail.getByRole("button", { name: "Cancel", exact: true }).isDisabled()))
      throw new Error("Cancel is offered on a finished run");
    // The first step's output, opened: its config with the input filled in.
    const measure = rows.and(page.locator('[data-path="measure"]'));
    await measure.locator("summary").click();
    await expectText(measure.locator("pre"), '"x": 2');
    await shot("3-run");
  });

  await step("Operations shows the health check and the audit log", async () => {
    await page.getByTestId("operations").locator("summary").click();
    const components = page.getByTestId("health-component");
    await expectCount(components, (n) => n >= 5, "health components");
    await expectText(components, "store");
    await expectText(components, "task engine");
    await visible(page.getByTestId("health-status"));
    await page.getByLabel("Search the audit log").fill("save_workflow");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expectText(page.getByTestId("audit-row"), "save_workflow");
    await shot("4-operations");
  });
} catch {
  await shot("failure").catch(() => {});
} finally {
  await browser.close();
  await stopStudio(child);
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  console.log(`automation e2e: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
