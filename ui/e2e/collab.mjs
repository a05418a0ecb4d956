// Two analysts in two browser contexts, each on their own `studio serve` and library: Ada's is
// the hub (--share), Bea joins with an invite made in Ada's Share dialog. Checked: presence
// avatars on the workbench tabs, an edit appearing in the other window, per-user undo, and a
// conflict (the same field changed on both sides while the hub is down) shown on both sides and
// settled from one. Screenshots go to e2e/artifacts (collab-*.png).
// Needs: the `studio` binary (STUDIO_BIN), ui/dist built, /usr/bin/chromium (CHROMIUM to change).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { freePort, startStudio, steps, stopStudio } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const bin = process.env.STUDIO_BIN ?? "studio";
const ui = join(here, "..", "dist");
const homes = { ada: mkdtempSync(join(tmpdir(), "studio-ada-")), bea: mkdtempSync(join(tmpdir(), "studio-bea-")) };

/** A `studio` command on someone's library, its JSON answer. */
const cli = (who, args) =>
  JSON.parse(
    execFileSync(bin, [...args, "--json"], {
      env: { ...process.env, STUDIO_HOME: homes[who], STUDIO_LOG: "warn" },
      encoding: "utf8",
    }),
  );

const { step, counts } = steps();
const visible = (locator, timeout = 8000) => locator.first().waitFor({ timeout });
const gone = (locator, timeout = 8000) => locator.first().waitFor({ state: "detached", timeout });
/** The overrides' fields, as the Data workbench lists them. */
const fields = async (page) => {
  await page.getByTestId("tab-data").click();
  await page.getByTestId("overrides").waitFor({ timeout: 5000 });
  return (await page.getByTestId("overrides").locator("tbody td.mono:first-child").allTextContents()).map((t) =>
    t.trim(),
  );
};
const override = async (page, field, value) => {
  await page.getByTestId("tab-data").click();
  await page.getByLabel("Field").fill(field);
  await page.getByLabel("Value").fill(value);
  await page.getByLabel("Reason").fill("collaboration test");
  await page.getByRole("button", { name: "Override" }).click();
};
/** Waits until `page` lists exactly `want` (sorted) as overrides. */
const expectFields = async (page, want) => {
  let got = [];
  for (let i = 0; i < 50; i++) {
    got = (await fields(page)).sort();
    if (JSON.stringify(got) === JSON.stringify([...want].sort())) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the overrides are ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
};

cli("ada", ["profile", "--name", "Ada Lovelace", "--color", "#db2777"]);
cli("bea", ["profile", "--name", "Bea Tan", "--color", "#059669"]);
const project = cli("ada", ["project", "new", "--name", "Shared forecast"]).project_id;
const scenario = { scenario_config: { name: "Low prices", description: "-20%", variable_overrides: [] } };
cli("ada", ["action", project, "scenario", "create_scenario", "--payload", JSON.stringify(scenario)]);
const listen = `127.0.0.1:${await freePort()}`;
const hubArgs = ["--ui", ui, "--share", "--listen", listen];
let ada = await startStudio(bin, hubArgs, { STUDIO_HOME: homes.ada });
const bea = await startStudio(bin, ["--ui", ui], { STUDIO_HOME: homes.bea });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
});
const adaPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const beaPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

try {
  await step("Ada invites Bea from the Share dialog; Bea joins with the invite", async () => {
    await adaPage.goto(ada.info.url);
    await adaPage.getByRole("button", { name: "Shared forecast" }).click();
    await visible(adaPage.getByTestId("project-name"));
    await adaPage.getByTestId("share").click();
    // Started with --share, Ada's Studio is the hub: the switch says so, with its address.
    if (!(await adaPage.getByTestId("share-on-network").isChecked())) throw new Error("the hub switch is off");
    await visible(adaPage.getByTestId("hub-address").filter({ hasText: listen }));
    await adaPage.getByTestId("create-invite").click();
    const token = await adaPage.getByTestId("invite").getByLabel("Invite").inputValue();
    if (!token.includes(".")) throw new Error(`the invite reads ${token}`);
    await adaPage.screenshot({ path: join(artifacts, "collab-1-share.png") });
    await adaPage.keyboard.press("Escape");
    await beaPage.goto(bea.info.url);
    await beaPage.getByTestId("join-project").click();
    await beaPage.getByTestId("join-dialog").getByLabel("Invite").fill(token);
    await beaPage.getByRole("button", { name: "Join", exact: true }).click();
    await visible(beaPage.getByTestId("project-name").filter({ hasText: "Shared forecast" }));
    // Ada's Share dialog lists her as an editor.
    await adaPage.getByTestId("share").click();
    await visible(adaPage.getByTestId("collaborators").filter({ hasText: "Bea Tan" }));
    await adaPage.keyboard.press("Escape");
  });
  await step("presence: Bea's avatar on the tab and beside the scenario she is on, in Ada's window", async () => {
    await beaPage.getByTestId("tab-scenario").click();
    await visible(adaPage.getByTestId("tab-scenario").getByTitle("Bea Tan is here"));
    await adaPage.getByTestId("tab-scenario").click();
    await beaPage
      .getByTestId("scenarios")
      .locator("li", { hasText: "Low prices" })
      .getByRole("button", { name: "Edit" })
      .click();
    const card = adaPage.getByTestId("scenarios").locator("li", { hasText: "Low prices" });
    await visible(card.getByTitle("Bea Tan is here"));
    await beaPage.getByTestId("tab-data").click();
    await gone(card.getByTitle("Bea Tan is here"));
    await visible(adaPage.getByTestId("tab-data").getByTitle("Bea Tan is here"));
    await gone(adaPage.getByTestId("tab-scenario").getByTitle("Bea Tan is here"));
    await adaPage.screenshot({ path: join(artifacts, "collab-2-presence.png") });
  });
  await step("presence beside a report section: Bea works on one, Ada sees her there", async () => {
    await adaPage.getByTestId("tab-report").click();
    await beaPage.getByTestId("tab-report").click();
    const row = (page) => page.getByTestId("report-settings").locator("li.section-row").first();
    await row(beaPage).getByRole("checkbox").focus();
    await visible(row(adaPage).getByTitle("Bea Tan is here"));
    await beaPage.getByTestId("tab-data").click();
    await gone(row(adaPage).getByTitle("Bea Tan is here"));
    await adaPage.getByTestId("tab-data").click();
  });
  await step("an edit in one window appears in the other", async () => {
    await override(adaPage, "ada.price", "0.9");
    await expectFields(beaPage, ["ada.price"]);
    await override(beaPage, "bea.households", "1200");
    await expectFields(adaPage, ["ada.price", "bea.households"]);
  });
  await step("undo is per user: Ada's Ctrl+Z takes back her edit, not Bea's later one", async () => {
    await adaPage.getByTestId("tab-data").click();
    await adaPage.keyboard.press("Control+z");
    await expectFields(adaPage, ["bea.households"]);
    await expectFields(beaPage, ["bea.households"]);
    // The log names each entry's author.
    await visible(beaPage.getByTestId("log").locator("li").filter({ hasText: "Ada Lovelace" }));
  });
  await step("a conflict made offline is shown on both sides and settled from one", async () => {
    // The hub goes down; both change the same field.
    ada.child.kill("SIGKILL");
    await override(beaPage, "shared.rate", "3");
    await expectFields(beaPage, ["bea.households", "shared.rate"]);
    cli("ada", [
      "action",
      project,
      "data",
      "override_value",
      "--payload",
      JSON.stringify({ override: { field: "shared.rate", value: 2, reason: "Ada's figure" } }),
    ]);
    ada = await startStudio(bin, hubArgs, { STUDIO_HOME: homes.ada });
    await adaPage.goto(ada.info.url);
    await adaPage.getByRole("button", { name: "Shared forecast" }).click();
    for (const page of [adaPage, beaPage]) await visible(page.getByTestId("conflicts"), 30000);
    await beaPage.screenshot({ path: join(artifacts, "collab-3-conflict.png") });
    await beaPage
      .getByTestId("conflicts")
      .getByRole("button", { name: /^Ada Lovelace: 2/ })
      .click();
    for (const page of [adaPage, beaPage]) await gone(page.getByTestId("conflicts"), 15000);
  });
  await step("Ada turns off sharing on the network: Bea's window shows the hub gone", async () => {
    await adaPage.getByTestId("share").click();
    await adaPage.getByTestId("share-on-network").click();
    await visible(adaPage.getByTestId("hub-address").filter({ hasText: "Off" }));
    await adaPage.keyboard.press("Escape");
    await visible(beaPage.getByTestId("sync-state").filter({ hasText: /reconnecting|offline/ }), 15000);
  });
} catch {
  await adaPage.screenshot({ path: join(artifacts, "collab-failure-ada.png") }).catch(() => {});
  await beaPage.screenshot({ path: join(artifacts, "collab-failure-bea.png") }).catch(() => {});
} finally {
  await browser.close();
  // Both close their libraries before their homes go.
  await Promise.all([ada, bea].map(({ child }) => stopStudio(child)));
  for (const home of Object.values(homes)) rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  console.log(`collaboration e2e: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
