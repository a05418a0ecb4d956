// End to end in a real browser: Debian's Chromium driven by playwright-core against
// `studio serve` on a temporary library. Writes a screenshot of each screen to e2e/artifacts.
// Needs: the `studio` binary (STUDIO_BIN), the crash test's `crash-child` binary (CRASH_CHILD, to
// leave edits for the app to recover), ui/dist built, /usr/bin/chromium (CHROMIUM to change).
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { startStudio, steps, stopStudio } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const home = mkdtempSync(join(tmpdir(), "studio-e2e-"));

/** Waits until the recording opener below was given `folder`. */
async function openedOn(folder) {
  let got = "(nothing)";
  for (let i = 0; i < 50; i++) {
    got = existsSync(opened) ? readFileSync(opened, "utf8") : "(nothing)";
    if (got === folder) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the file manager was opened on ${got}, not ${folder}`);
}
const bin = process.env.STUDIO_BIN ?? "studio";
const crashChild = process.env.CRASH_CHILD;
// "Show in folder" runs this instead of the desktop's file manager: it notes the folder it was given.
const opener = join(home, "opener.sh");
const opened = join(home, "opened.txt");
writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${opened}.tmp' && mv '${opened}.tmp' '${opened}'\n`);
chmodSync(opener, 0o755);

function startServer() {
  // Autosave (which also looks for sessions that crashed) every second, not every 30.
  return startStudio(bin, ["--ui", join(here, "..", "dist")], {
    STUDIO_HOME: home,
    STUDIO_OPENER: opener,
    STUDIO_AUTOSAVE_SECS: "1",
  });
}

/** A program that makes `edits` overrides (fields r{run}_0, r{run}_1, …) to the project, each
 *  acknowledged (journaled), then aborts without saving: edits a crash left. */
function crash(projectId, run, edits) {
  if (!crashChild) throw new Error("CRASH_CHILD must name the crash-child binary (cargo build -p studio-tests)");
  return new Promise((resolve, reject) => {
    // No core file: the abort is the point.
    const child = spawn(
      "/bin/sh",
      [
        "-c",
        'ulimit -c 0; exec "$@"',
        "sh",
        crashChild,
        join(home, "library.db"),
        projectId,
        String(run),
        String(edits),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const acked = out.split("\n").filter((l) => l.startsWith("ack ")).length;
      if (signal !== "SIGABRT" || acked !== edits)
        reject(new Error(`crash-child ended with ${signal ?? code} after ${acked} acknowledged edits: ${out}`));
      else resolve();
    });
  });
}
/** The API as the page calls it (with the page's token cookie). */
const api = (method, path) =>
  page.evaluate(
    async ([method, path]) => {
      const res = await fetch(`/api/v1/studio${path}`, { method });
      return res.json();
    },
    [method, path],
  );
/** The overrides' fields, as the Data workbench lists them. */
const overrideFields = async () => {
  await page.getByTestId("tab-data").click();
  await page.getByTestId("overrides").waitFor({ timeout: 5000 });
  return (await page.getByTestId("overrides").locator("tbody td.mono:first-child").allTextContents()).map((t) =>
    t.trim(),
  );
};

const { step, counts } = steps();

const { child, info } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
  ],
});
const page = await browser.newPage({
  viewport: { width: 1280, height: 800 },
  permissions: ["clipboard-read", "clipboard-write"],
});
/** A picture of the whole page; with `window`, of the window only, as the analyst sees it. */
const shot = async (name, { window = false } = {}) => {
  const path = join(artifacts, `${name}.png`);
  if (window) return page.screenshot({ path });
  // The whole page has no window bottom to hold the message line at: it is drawn where it ends
  // the page, not wherever the window's bottom was when the page was scrolled.
  const inFlow = await page.addStyleTag({ content: ".message-line { position: static !important; }" });
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    await inFlow.evaluate((el) => el.remove());
  }
};
const expectText = async (locator, text) => {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 5000 });
};
/** The scenario comparison's row for `field` reads `cells` (strings, or patterns). */
const expectRow = async (field, cells) => {
  const row = page.getByTestId("compare-view").getByTestId(`compare-${field}`);
  await row.waitFor({ timeout: 5000 });
  const got = (await row.locator("td").allTextContents()).map((t) => t.trim());
  const ok =
    got.length === cells.length && cells.every((c, i) => (c instanceof RegExp ? c.test(got[i]) : c === got[i]));
  if (!ok) throw new Error(`the comparison's ${field} row reads ${JSON.stringify(got)}`);
};
/** The comparison shows values in words: no JSON's brackets, nulls or quotes. */
const expectNoJson = async () => {
  const text = await page.getByTestId("compare-view").innerText();
  const raw = ["[]", "[", "null", '"', "{"].find((bit) => text.includes(bit));
  if (raw) throw new Error(`the comparison shows ${raw}: ${text}`);
};

try {
  await step("the library opens with the token and shows no projects", async () => {
    await page.goto(info.url);
    await expectText(page.getByTestId("project-list"), "No projects yet");
    await shot("01-library-empty");
  });
  await step("create a project", async () => {
    await page.getByLabel("Project name").fill("Heat pumps 2031");
    await page.getByLabel("Description").fill("Will adoption pass 30% if prices fall 20%?");
    await page.getByRole("button", { name: "Create" }).click();
    await expectText(page.getByTestId("project-name"), "Heat pumps 2031");
    await shot("02-project-data");
  });
  await step("add an override with a reason and see it in the log", async () => {
    await page.getByLabel("Field").fill("households.total");
    await page.getByLabel("Value").fill("28100000");
    await page.getByLabel("Reason").fill("2025 census revision");
    await page.getByRole("button", { name: "Override" }).click();
    await expectText(page.getByTestId("overrides"), "2025 census revision");
    await expectText(page.getByTestId("log"), "Overrode 'households.total'");
    await shot("03-override");
  });
  await step("undo it", async () => {
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expectText(page.getByTestId("overrides"), "No overrides.");
    await expectText(page.getByTestId("log"), "Undo: Overrode 'households.total'");
  });
  await step("save twice and restore version 1", async () => {
    await page.getByLabel("Field").fill("price.index");
    await page.getByLabel("Value").fill("0.8");
    await page.getByLabel("Reason").fill("tariff cut");
    await page.getByRole("button", { name: "Override" }).click();
    await expectText(page.getByTestId("overrides"), "tariff cut");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expectText(page.getByTestId("toast"), "Saved version 2");
    await page.keyboard.press("Control+s");
    await expectText(page.getByTestId("toast"), "Saved version 3");
    await page.getByTestId("side-versions").click();
    await page.getByRole("button", { name: "Version 1", exact: true }).click();
    await expectText(page.locator(".compare"), "Override added: price.index");
    await shot("04-versions");
    await page.getByTestId("restore").click();
    await expectText(page.getByTestId("toast"), "Restored as version 4");
    await expectText(page.getByTestId("overrides"), "No overrides.");
  });
  await step("messages: one line at the bottom, newest first, clear of the toolbar and the log", async () => {
    await page.getByTestId("side-log").click();
    // Four saves in a row: four messages within a second or two.
    for (const v of [5, 6, 7, 8]) {
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expectText(page.getByTestId("toast"), `Saved version ${v}`);
    }
    const line = page.getByTestId("message-line");
    const shown = await line.getByTestId("toast").allTextContents();
    if (shown.length !== 1 || !shown[0].includes("Saved version 8"))
      throw new Error(`the line shows ${JSON.stringify(shown)}`);
    const more = await line.getByTestId("toast-more").textContent();
    if (!/^\+\d+ more$/.test(more) || Number(more.match(/\d+/)[0]) < 3) throw new Error(`the line counts "${more}"`);
    // The line is one line, and covers none of the toolbar's buttons, the log panel or its tabs.
    const clash = await page.evaluate(() => {
      const line = document.querySelector("[data-testid=message-line]").getBoundingClientRect();
      const controls = [...document.querySelectorAll(".topbar button, .side, .side .tabs button, [data-testid=log]")];
      const overlaps = (r) =>
        r.width > 0 && r.left < line.right && line.left < r.right && r.top < line.bottom && line.top < r.bottom;
      const hit = controls.filter((el) => overlaps(el.getBoundingClientRect()));
      return { height: line.height, hit: hit.map((el) => el.textContent.trim().slice(0, 40) || el.className) };
    });
    if (clash.height > 40) throw new Error(`the message line is ${clash.height}px tall`);
    if (clash.hit.length) throw new Error(`the message line covers ${JSON.stringify(clash.hit)}`);
    // At the end of the page, the last control of the pane is above the line, not under it.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const below = await page.evaluate(() => {
      const line = document.querySelector("[data-testid=message-line]").getBoundingClientRect();
      const last = [...document.querySelectorAll(".pane button")].at(-1).getBoundingClientRect();
      return last.bottom - line.top;
    });
    if (below > 0) throw new Error(`the pane's last button ends ${below}px under the message line`);
    await page.evaluate(() => window.scrollTo(0, 0));
    // The older ones, newest first; Escape closes the list, then dismisses the message shown.
    await line.getByTestId("toast-more").click();
    const listed = await line.getByTestId("toast-history").getByTestId("toast").allTextContents();
    const order = listed.slice(0, 4).map((t) => t.match(/Saved version (\d+)/)?.[1]);
    if (order.join() !== "8,7,6,5") throw new Error(`the messages are listed as ${JSON.stringify(listed)}`);
    await shot("04-messages", { window: true });
    await page.keyboard.press("Escape");
    await line.getByTestId("toast-history").waitFor({ state: "detached", timeout: 2000 });
    await page.keyboard.press("Escape");
    // Version 8's message is gone; an older one may show until it fades.
    await page.waitForFunction(
      () => !document.querySelector("[data-testid=message-line]").textContent.includes("Saved version 8"),
      null,
      { timeout: 2000 },
    );
  });
  await step("tabs show each workbench", async () => {
    await page.getByTestId("tab-scenario").click();
    await page.getByRole("button", { name: "New scenario" }).click();
    await page.getByLabel("Scenario name").fill("Prices fall 20%");
    await page.getByRole("button", { name: "Add override" }).click();
    await page.getByLabel("Override 1 value").fill("0.8");
    // A shock placed by clicking the timeline, its magnitude typed.
    await page.getByLabel("Shock timeline").scrollIntoViewIfNeeded();
    const track = await page.getByLabel("Shock timeline").boundingBox();
    await page.mouse.click(track.x + track.width * 0.3, track.y + track.height / 2);
    await page.getByLabel("Shock 1 magnitude").fill("-0.2");
    const at = Number(await page.getByLabel("Shock 1 tick").inputValue());
    if (at < 25 || at > 35) throw new Error(`a click at 30% of the timeline placed the shock at tick ${at}`);
    await page.getByRole("button", { name: "Save scenario" }).click();
    await expectText(page.getByTestId("scenarios"), "Prices fall 20%");
    await expectText(page.getByTestId("scenarios"), "price = 0.8");
    await shot("05-scenarios");
    await page.getByTestId("tab-report").click();
    // Nothing is simulated yet: Generate says so, in the backend's words.
    await page.getByTestId("generate-report").click();
    await expectText(page.getByTestId("report-error"), "no simulation results yet");
    await page.getByLabel("Annotation").fill("Check against the installer survey");
    await page.getByLabel("Your name").fill("Ana Ruiz");
    await page.getByRole("button", { name: "Add note" }).click();
    await expectText(page.getByTestId("annotations"), "installer survey — Ana Ruiz");
    await page.getByTestId("tab-simulation").click();
    await page.getByTestId("simulation-settings").waitFor({ timeout: 5000 });
  });
  await step("drop the example's files: imported, roles guessed, read", async () => {
    await page.getByTestId("tab-data").click();
    const dir = join(here, "..", "..", "examples", "heat-pumps");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".csv"))
      .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
    const drop = await page.evaluateHandle((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: "text/csv" }));
      return dt;
    }, files);
    await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: drop });
    for (const name of ["marginals", "household_survey", "adoption_history", "electricity_price"]) {
      await expectText(page.getByTestId("sources"), name);
    }
    const role = await page.getByLabel("Role of marginals").inputValue();
    if (role !== "marginal") throw new Error(`the role of marginals.csv was guessed as '${role}'`);
    await expectText(page.getByTestId("sources"), "1,500");
    await shot("06-data-sources");
  });
  await step("preview a source and override a value with a reason", async () => {
    await page.getByTestId("sources").getByRole("button", { name: "adoption_history" }).click();
    await expectText(page.getByTestId("schema"), "adoption");
    await page.getByTestId("preview-grid").locator("tbody tr").nth(2).locator("td").nth(2).click();
    await page.getByLabel("New value").fill("0.0035");
    await page.getByLabel("Reason for the override").fill("2018Q3 revised by the statistics office");
    await page.getByTestId("override-form").getByRole("button", { name: "Override" }).click();
    await expectText(page.getByTestId("overrides"), "adoption_history.adoption[3]");
    await page.getByTestId("preview-grid").locator("td.overridden").first().waitFor({ timeout: 5000 });
    await page.getByTestId("side-log").click();
    await expectText(page.getByTestId("log"), "2018Q3 revised by the statistics office");
    await shot("07-data-preview-override");
  });
  await step("regenerate the population: archetypes, fit and the network picture", async () => {
    await page.getByTestId("tab-population").click();
    await page.getByLabel("Agents").fill("20000");
    await page.getByLabel("Homophily").fill("0.3");
    await page.getByTestId("regenerate").click();
    await page.getByTestId("archetypes").locator("li").first().waitFor({ timeout: 30000 });
    await expectText(page.getByTestId("marginals"), "age_band");
    await expectText(page.getByTestId("fit"), "household_size");
    await page.getByTestId("ego-network").locator("circle").nth(5).waitFor({ timeout: 5000 });
    await page.getByTestId("degree-chart").locator("rect").first().waitFor({ timeout: 5000 });
    await expectText(page.locator(".pane"), "20,000 agents");
    await expectText(page.getByTestId("log"), "Regenerated the population: 20000 agents");
    await shot("08-population");
  });
  await step("adjusting a distribution makes the population stale until it is regenerated", async () => {
    await page.getByLabel("Dimension to adjust").selectOption("income_band");
    await page.getByTestId("adjust").getByRole("button", { name: "Adjust" }).click();
    await page.getByTestId("population-stale").waitFor({ timeout: 5000 });
    await page.getByTestId("regenerate").click();
    await page.getByTestId("population-stale").waitFor({ state: "detached", timeout: 30000 });
  });
  await step("run a scenario, play it in the console: live fan chart, pause, step, replay, export", async () => {
    await page.getByTestId("tab-scenario").click();
    await page.getByRole("button", { name: "Run Baseline" }).click();
    await expectText(page.getByTestId("status-Baseline"), "completed");
    await page.getByTestId("tab-simulation").click();
    await page.getByLabel("Ticks").fill("300");
    await page.getByLabel("Replicates").fill("20");
    // Count the fan chart's redraws while the run plays.
    await page.evaluate(() => {
      window.__redraws = [];
      new MutationObserver(() => window.__redraws.push(performance.now())).observe(document.body, {
        attributes: true,
        subtree: true,
        attributeFilter: ["d"],
      });
    });
    await page.getByTestId("run-simulation").click();
    await expectText(page.getByTestId("console-status"), "tick");
    await page.getByTestId("band-90").waitFor({ timeout: 10000 });
    // Pause wherever it is (or step back from its end), then move by keyboard.
    const pause = page.getByRole("button", { name: "Pause" });
    if (await pause.isVisible()) await pause.click().catch(() => {});
    const redraws = await page.evaluate(() => window.__redraws);
    const span = (redraws.at(-1) - redraws[0]) / 1000;
    const fps = redraws.length > 1 ? (redraws.length - 1) / span : 0;
    console.log(
      `  the fan chart redrew ${redraws.length} times in ${span.toFixed(2)} s (${fps.toFixed(0)} per second)`,
    );
    if (redraws.length > 5 && span > 0.3 && fps < 10)
      throw new Error(`the live chart redrew ${fps.toFixed(1)} times a second`);
    await page.waitForFunction(() =>
      /paused|complete/.test(document.querySelector("[data-testid=console-status]").textContent),
    );
    if ((await page.getByTestId("console-status").textContent()).includes("complete")) {
      await page.getByRole("button", { name: "Step back" }).click();
    }
    await expectText(page.getByTestId("console-status"), "paused");
    const tickOf = async () => Number((await page.getByTestId("console-status").textContent()).match(/tick (\d+)/)[1]);
    const before = await tickOf();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(
      (t) => document.querySelector("[data-testid=console-status]").textContent.includes(`tick ${t - 1} `),
      before,
    );
    await page.getByRole("button", { name: "Step forward" }).click();
    await page.waitForFunction(
      (t) => document.querySelector("[data-testid=console-status]").textContent.includes(`tick ${t} `),
      before,
    );
    await shot("09-console-paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await expectText(page.getByTestId("console-status"), "complete");
    await expectText(page.getByTestId("results"), "adopted");
    await page.getByRole("button", { name: "Export CSV" }).click();
    await expectText(page.getByTestId("exported"), "rows →");
    await shot("10-console-complete");
  });
  await step("compare the scenarios: configuration and results side by side", async () => {
    await page.getByTestId("tab-scenario").click();
    await page.getByRole("button", { name: "Run Prices fall 20%" }).click();
    await expectText(page.getByTestId("status-Prices fall 20%"), "completed");
    await page.getByLabel("Compare Baseline").check();
    await page.getByLabel("Compare Prices fall 20%").check();
    await page.getByTestId("compare").click();
    await expectText(page.getByTestId("compare-view"), "pts");
    // The configurations in words, as the rest of the pane writes them: no JSON.
    await expectRow("variable_overrides.price", ["Override of price", "—", "price = 0.8"]);
    await expectRow("shock_events", ["Shocks", "no shocks", /^tick \d+: price −0\.2$/]);
    await expectRow("description", ["Description", "The data as it is: no overrides, no shocks.", "—"]);
    await expectNoJson();
    await shot("11-compare");
    // A scenario with a population adjustment, not simulated, compared with both, then deleted.
    await page.getByRole("button", { name: "New scenario" }).click();
    await page.getByLabel("Scenario name").fill("Older households");
    await page.getByLabel("Scenario description").fill("an older region");
    await page.getByRole("button", { name: "Add adjustment" }).click();
    await page.getByLabel("Adjustment 1 name").fill("age_band");
    await page.getByLabel("Adjustment 1 value").fill('{"shift": 0.1}');
    await page.getByRole("button", { name: "Save scenario" }).click();
    await page.getByLabel("Compare Older households").check();
    await page.getByTestId("compare").click();
    await expectRow("population_adjustments.age_band", ["Adjustment of age_band", "—", "—", "age_band shift +0.1"]);
    // (Adding a scenario leaves the others' runs stale: the core says so, and the view with it.)
    await expectRow("final", ["Final share (median)", /%( \(stale\))?$/, /%( \(stale\))?$/, "not simulated"]);
    await expectNoJson();
    await shot("11-compare-three");
    await page
      .getByTestId("scenarios")
      .locator("li", { hasText: "Older households" })
      .getByRole("button", { name: "Delete" })
      .click();
    await page.getByTestId("status-Older households").waitFor({ state: "detached", timeout: 5000 });
  });
  await step("global sensitivity: a Sobol analysis as a task, its tornado chart and indices", async () => {
    await page.getByRole("button", { name: "Sensitivity of Baseline" }).click();
    await expectText(page.getByTestId("sensitivity"), "No analysis yet");
    await page.getByLabel("Samples").fill("8");
    await page.getByLabel("Replicates per evaluation").fill("2");
    await page.getByTestId("analyse").click();
    await page.getByTestId("tornado").waitFor({ timeout: 60000 });
    await expectText(page.getByTestId("sensitivity-table"), "spontaneous.constant");
    await expectText(page.getByTestId("sensitivity-table"), "price (variable)");
    await page.getByRole("tab", { name: /^P\(share/ }).click();
    await expectText(page.getByTestId("sensitivity-table"), "Total (90%)");
    await expectNoJson();
    await shot("11-sensitivity");
    await page.getByRole("button", { name: "Close the sensitivity analysis" }).click();
  });
  await step("what would it take: a goal seek as a task, its combinations, one made a scenario", async () => {
    await page.getByRole("button", { name: "What would it take, from Baseline" }).click();
    // Sooner than the baseline gets there (its median crosses 30% at tick 30): by tick 24.
    await page.getByLabel("Target tick").fill("24");
    await page.getByLabel("Lever 1 from").fill("0.5");
    await page.getByLabel("Combinations to simulate").fill("12");
    await page.getByLabel("Replicates per combination").fill("2");
    await page.getByTestId("seek").click();
    await page.getByTestId("goal-seek-table").waitFor({ timeout: 60000 });
    await expectText(page.getByTestId("goal-seek"), "combinations simulated");
    await expectNoJson();
    await shot("11-goal-seek");
    await page.getByRole("button", { name: "Make scenario 1" }).click();
    const made = page.getByTestId("scenarios").locator("li", { hasText: "Baseline: " });
    await made.first().waitFor({ timeout: 5000 });
    await made.first().getByRole("button", { name: "Delete" }).click();
    await made.first().waitFor({ state: "detached", timeout: 5000 });
    await page.getByRole("button", { name: "Close what would it take" }).click();
  });
  await step("calibrate on the history: the fit, the held-out points and their errors", async () => {
    await page.getByTestId("tab-simulation").click();
    await page.getByLabel("Scenario to simulate").selectOption({ label: "Baseline" });
    await page.getByLabel("Ticks").fill("60");
    await page.getByLabel("Calibrate on the history").check();
    await page.getByTestId("run-simulation").click();
    await page.getByTestId("calibration").waitFor({ timeout: 60000 });
    await expectText(page.getByTestId("calibration"), "held-out RMSE");
    await page.getByTestId("held-out-point").first().waitFor({ timeout: 5000 });
    await page.getByTestId("fitted-point").first().waitFor({ timeout: 5000 });
    // The history's quarters name the axis: its first period, 2018 Q1.
    await expectText(page.getByTestId("calibration"), "2018 Q1");
    await shot("12-calibration");
  });
  await step("the causal graph: drawn, zoomed, an edge changed from the keyboard and undone", async () => {
    await page.getByTestId("tab-data").click();
    const edge = page.getByTestId("edge-spontaneous.variables.price");
    await edge.waitFor({ timeout: 10000 });
    await expectText(page.getByTestId("causal-svg"), "outcome share");
    await page.getByRole("button", { name: "Zoom in" }).click();
    await edge.press("Enter");
    await page.getByLabel("Coefficient value").fill("-0.003");
    await page.getByTestId("edge-editor").getByRole("button", { name: "Set" }).click();
    await expectText(page.getByTestId("log"), "Set the coefficient of price on spontaneous to -0.003");
    await expectText(edge, "−0.003");
    await shot("12-causal-graph");
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expectText(page.getByTestId("log"), "Undo: Set the coefficient of price on spontaneous");
  });
  await step("run all: the tasks panel shows each stage, through to the generated report", async () => {
    await page.getByTestId("run-all").click();
    await expectText(page.getByTestId("tasks"), "Generate report");
    await page
      .getByTestId("task")
      .filter({ hasText: "Generate report" })
      .filter({ hasText: "Done" })
      .first()
      .waitFor({ timeout: 120000 });
    await shot("13-tasks");
  });
  await step("build the report: template, order, preview, notes, exports", async () => {
    // Tall enough for the whole pane: a full-page shot that has to grow the window repaints
    // the preview frame only in part.
    await page.setViewportSize({ width: 1280, height: 1450 });
    await page.getByTestId("tab-report").click();
    const preview = page.frameLocator("[data-testid=report-preview]");
    // The report Run all generated shows at once.
    await preview.locator("h2", { hasText: "Summary" }).first().waitFor({ timeout: 10000 });
    await page.getByLabel("Template").selectOption({ label: "Detailed analysis" });
    const order = (list) =>
      page
        .getByTestId(list)
        .locator("li")
        .evaluateAll((els) => els.map((e) => e.dataset.testid.slice(8)));
    // Results one up by keyboard, past Scenarios; focus stays on it.
    await page.getByLabel("Include Results").focus();
    await page.keyboard.press("Alt+ArrowUp");
    let now = await order("report-sections");
    if (now.indexOf("results") !== 3 || now.indexOf("scenarios") !== 4) throw new Error(`Alt+↑ gave ${now.join(", ")}`);
    if (!(await page.getByLabel("Include Results").evaluate((el) => el === document.activeElement)))
      throw new Error("focus left the moved row");
    // Sensitivity dragged up onto Data; in the appendix, Caveats dragged to the top and ticked.
    await page.getByTestId("section-sensitivity").dragTo(page.getByTestId("section-data"));
    now = await order("report-sections");
    if (now.indexOf("sensitivity") !== 1) throw new Error(`the drag gave ${now.join(", ")}`);
    await page.getByTestId("section-caveats").dragTo(page.getByTestId("section-methodology"));
    now = await order("appendix-sections");
    if (now[0] !== "caveats") throw new Error(`the drag in the appendix gave ${now.join(", ")}`);
    await page.getByLabel("Include Caveats").check();
    await page.getByTestId("generate-report").click();
    // Sensitivity is in the detailed report only (the report Run all made has Caveats too).
    await preview.locator("h2", { hasText: "Sensitivity" }).waitFor({ timeout: 30000 });
    // The frame reloads when a regenerated report arrives: read it once it holds still.
    let headings = [];
    for (let i = 0; i < 5 && headings.length === 0; i++) {
      headings = await preview
        .locator("h2")
        .allTextContents()
        .catch(() => []);
      if (headings.length === 0) await page.waitForTimeout(300);
    }
    const at = (h) => headings.indexOf(h);
    if (!(
      at("Sensitivity") === 1 &&
      at("Results") > 0 &&
      at("Results") < at("Scenarios") &&
      at("Appendix — Caveats") === headings.length - 1
    )) {
      throw new Error(`the preview's sections are ${headings.join(" | ")}`);
    }
    await preview.locator("svg").first().waitFor({ timeout: 5000 });
    // A note on Results, saved: the preview regenerates with it.
    await page.getByLabel("Section", { exact: true }).selectOption("results");
    await page.getByLabel("Annotation").fill("Holds only if installers keep up");
    await page.getByRole("button", { name: "Add note" }).click();
    await preview.locator(".note", { hasText: "Holds only if installers keep up" }).waitFor({ timeout: 30000 });
    // The name typed for the first note is remembered for the next.
    await preview.locator(".note", { hasText: "Ana Ruiz" }).first().waitFor({ timeout: 5000 });
    // Saving settings regenerates it too: charts off, no figures left.
    await page.getByLabel("Include charts").uncheck();
    await page.getByRole("button", { name: "Save settings" }).click();
    // The frame is sandboxed (its document is closed to the page): read it through Playwright.
    for (let i = 0; i < 60 && (await preview.locator("figure svg").count()) > 0; i++) await page.waitForTimeout(500);
    if ((await preview.locator("figure svg").count()) > 0)
      throw new Error("saving the settings did not regenerate the preview");
    await preview.locator("h2", { hasText: "Summary" }).first().waitFor({ timeout: 5000 });
    await page.waitForTimeout(300); // the reloaded frame's first paint
    await shot("14-report");
    await page.getByTestId("export-html").click();
    await expectText(page.getByTestId("exported-path-html"), ".html");
    await page.getByTestId("export-pdf").click();
    await page.getByTestId("exported-path-pdf").filter({ hasText: ".pdf" }).waitFor({ timeout: 60000 });
    await expectText(page.getByTestId("export-urls"), "PDF");
    await expectText(page.getByTestId("export-urls"), "HTML");
    const path = await page.getByTestId("exported-path-pdf").textContent();
    await page.getByTestId("export-status-pdf").getByTestId("show-in-folder").click();
    await expectText(page.getByTestId("toast"), `Opened ${dirname(path)}`);
    await openedOn(dirname(path));
    await shot("14-report-exported");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  await step("schedule the report and send it now (no mail server: to the outbox)", async () => {
    const card = page.getByTestId("report-schedule");
    await card.getByLabel("Frequency").fill("every 2 weeks");
    await card.getByLabel("Recipients").fill("ana@example.org; bo@example.org");
    await card.getByRole("button", { name: "Schedule" }).click();
    await expectText(page.getByTestId("schedule-status"), "Sent every 2 weeks to ana@example.org, bo@example.org");
    await expectText(page.getByTestId("schedule-status"), "Next:");
    await page.getByTestId("send-report-now").click();
    await expectText(page.getByTestId("last-delivery"), ".eml");
    await expectText(page.getByTestId("last-delivery"), "sent by hand");
    await card.getByRole("button", { name: "Show outbox" }).click();
    await expectText(page.getByTestId("toast"), `Opened ${join(home, "outbox")}`);
    await openedOn(join(home, "outbox"));
    // A bad address is named, and the schedule stays as it was.
    await card.getByLabel("Recipients").fill("ana@example.org, bo");
    await card.getByRole("button", { name: "Update schedule" }).click();
    await expectText(page.getByTestId("toast"), "'bo' is not an email address");
    await shot("14-report-scheduled");
  });
  await step("a crash while the project is open: the banner comes without a reload, Recover merges", async () => {
    const [project] = (await api("GET", "/projects")).filter((p) => p.project_name === "Heat pumps 2031");
    const before = await overrideFields();
    await crash(project.project_id, 1, 2);
    // Noticed at the server's next autosave (every second here) and sent on the open socket.
    const banner = page.getByTestId("recovery");
    await expectText(banner, "2 unsaved edits from a session that ended unexpectedly");
    await expectText(banner.getByTestId("recovery-edits"), "Overrode 'r1_0'");
    await expectText(banner.getByTestId("recovery-edits"), "Overrode 'r1_1'");
    if ((await overrideFields()).some((f) => f.startsWith("r1_"))) throw new Error("the edits showed before Recover");
    await shot("17-recovery-banner", { window: true });
    await banner.getByRole("button", { name: "Recover" }).click();
    await banner.waitFor({ state: "detached", timeout: 5000 });
    await expectText(page.getByTestId("toast"), "Recovered 2 unsaved edits");
    const after = await overrideFields();
    const expected = [...before, "r1_0", "r1_1"];
    if (expected.some((f) => !after.includes(f)))
      throw new Error(`the overrides after Recover are ${JSON.stringify(after)}`);
    if ((await api("GET", `/projects/${project.project_id}/recovery`)) !== null)
      throw new Error("an offer is left after Recover");
  });
  await step(
    "a crash, then a reload: the offer comes as the project opens; Discard asks, then drops them",
    async () => {
      const [project] = (await api("GET", "/projects")).filter((p) => p.project_name === "Heat pumps 2031");
      await crash(project.project_id, 2, 5);
      await page.reload();
      await page.getByRole("button", { name: "Heat pumps 2031" }).click();
      const banner = page.getByTestId("recovery");
      await expectText(banner, "5 unsaved edits from a session that ended unexpectedly");
      // Many: the newest three, the earlier ones a click away.
      const listed = () => banner.getByTestId("recovery-edits").locator("li").count();
      if ((await listed()) !== 3) throw new Error(`${await listed()} of 5 edits listed before expanding`);
      await banner.getByRole("button", { name: "Show 2 earlier edits" }).click();
      if ((await listed()) !== 5) throw new Error(`${await listed()} of 5 edits listed after expanding`);
      const order = await banner.getByTestId("recovery-edits").locator("li").allTextContents();
      if (!order.every((t, i) => t.includes(`'r2_${i}'`))) throw new Error(`the edits are listed as ${order}`);
      // By keyboard: Discard asks, Escape keeps them and goes back to Discard.
      await banner.getByTestId("discard").focus();
      await page.keyboard.press("Enter");
      await expectText(banner.getByTestId("discard-question"), "Discard these 5 unsaved edits for good?");
      await shot("18-recovery-discard", { window: true });
      await page.keyboard.press("Escape");
      await banner.getByTestId("discard-question").waitFor({ state: "detached", timeout: 2000 });
      await page.waitForFunction(() => document.activeElement?.dataset.testid === "discard", null, { timeout: 2000 });
      await page.keyboard.press("Enter");
      await banner.getByTestId("confirm-discard").click();
      await banner.waitFor({ state: "detached", timeout: 5000 });
      await expectText(page.getByTestId("toast"), "Discarded 5 unsaved edits");
      const after = await overrideFields();
      if (after.some((f) => f.startsWith("r2_"))) throw new Error(`discarded edits show: ${JSON.stringify(after)}`);
      if (!after.includes("r1_1")) throw new Error(`the recovered edits went too: ${JSON.stringify(after)}`);
      if ((await api("GET", `/projects/${project.project_id}/recovery`)) !== null)
        throw new Error("an offer is left after Discard");
    },
  );
  await step("the question: read into its parts, a word it cannot read shown, corrected, confirmed", async () => {
    const card = page.getByTestId("question");
    if (await page.getByTestId("question-open").isVisible()) await page.getByTestId("question-open").click();
    await page
      .getByTestId("question-text")
      .fill("Will heat-pump adoption pass 30% by 2031 if electricity prices fall 20%, hopefully?");
    await page.getByTestId("question-read").click();
    const part = (field) => card.locator(`[data-testid=question-parts] mark[data-field=${field}]`);
    await expectText(part("condition"), "if electricity prices fall 20%");
    await expectText(part("horizon"), "by 2031");
    await expectText(page.getByTestId("question-unknown"), "hopefully");
    const target = await page.getByTestId("question-target").inputValue();
    if (Number(target) !== 30) throw new Error(`the target reads ${target}, not 30 (%)`);
    // The analyst corrects the change: prices fall 25%.
    await page.getByLabel("Change for electricity prices").fill("-25");
    await shot("17-question");
    await page.getByTestId("question-confirm").click();
    await expectText(page.getByTestId("toast"), "Confirmed the question");
    await expectText(card, "confirmed");
    await page.getByTestId("tab-scenario").click();
    await expectText(page.locator("main"), "Question: price -25%");
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expectText(page.getByTestId("log"), "Undo: Confirmed the question's prediction task");
  });
  await step("delete from the library and undo the delete", async () => {
    await page.getByRole("button", { name: "Back to projects" }).click();
    await expectText(page.getByTestId("project-list"), "Heat pumps 2031");
    await page.getByRole("button", { name: "Delete" }).click();
    await expectText(page.getByTestId("toast"), "Deleted “Heat pumps 2031”");
    await expectText(page.getByTestId("project-list"), "No projects yet");
    await shot("15-deleted");
    await page.getByTestId("toast").getByRole("button", { name: "Undo" }).click();
    await expectText(page.getByTestId("project-list"), "Heat pumps 2031");
    await shot("16-library");
  });
  await step("the library's foot: its size, how long exports are kept, the file; the parts when opened", async () => {
    const foot = page.getByTestId("library-info");
    const line = (await foot.locator("summary").textContent()).trim();
    const path = (await api("GET", "/library")).path;
    if (
      !/^Library \d+(\.\d)? (KB|MB|GB) · exports \d+(\.\d)? (B|KB|MB) \(kept 90 days\) · /.test(line) ||
      !line.endsWith(path)
    )
      throw new Error(`the library's line reads "${line}"`);
    await foot.locator("summary").click();
    await expectText(foot, "Library file");
    await expectText(foot, "kept 30 days");
    await shot("19-library-size", { window: true });
  });
} catch {
  await shot("failure").catch(() => {});
} finally {
  await browser.close();
  await stopStudio(child);
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  console.log(`e2e: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
