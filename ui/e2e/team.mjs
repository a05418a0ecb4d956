// A desktop and its team server, in a real browser: a `studio serve --team` on a PostgreSQL
// database of its own (the one `scripts/services` runs: STUDIO_TEST_POSTGRES), and two analysts'
// `studio serve` on libraries of their own. Ada publishes a project to the team from its header
// ("Publish to team…"); Bea opens it from the library ("Open from team…"); Bea's edit reaches
// Ada through the team on "Sync now"; with the team server down, Sync now says why and the copy
// keeps working. Screenshots go to e2e/artifacts (team-*.png).
// Needs: the `studio` binary (STUDIO_BIN), ui/dist built, /usr/bin/chromium (CHROMIUM to change),
// PostgreSQL's client tools, STUDIO_TEST_POSTGRES.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { freePort, startStudio, steps, stopStudio } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const bin = process.env.STUDIO_BIN ?? "studio";
const ui = join(here, "..", "dist");
const homes = {
  server: mkdtempSync(join(tmpdir(), "studio-team-")),
  ada: mkdtempSync(join(tmpdir(), "studio-ada-")),
  bea: mkdtempSync(join(tmpdir(), "studio-bea-")),
};
const base = process.env.STUDIO_TEST_POSTGRES;
if (!base) throw new Error('STUDIO_TEST_POSTGRES is not set: run `eval "$(scripts/services start)"` first');
const pgBin = join(
  "/usr/lib/postgresql",
  readdirSync("/usr/lib/postgresql")
    .sort((a, b) => Number(a) - Number(b))
    .at(-1),
  "bin",
);
const url = new URL(base);
const dbName = `studio_test_e2e_${process.pid}`;
const pg = (tool, args) =>
  execFileSync(join(pgBin, tool), ["-h", url.hostname, "-p", url.port, "-U", url.username, ...args], {
    encoding: "utf8",
  });
pg("createdb", [dbName]);
const database = `${url.protocol}//${url.username}@${url.host}/${dbName}`;

/** A `studio` command on someone's library, its JSON answer. */
const cli = (who, args) =>
  JSON.parse(
    execFileSync(bin, [...args, "--json"], {
      env: { ...process.env, STUDIO_HOME: homes[who], STUDIO_LOG: "warn" },
      encoding: "utf8",
    }),
  );

/** `studio serve --team` on the test database at `listen`, once it says where it is. */
const startTeam = (listen) =>
  startStudio(bin, ["--team", "--database", database, "--listen", listen], { STUDIO_HOME: homes.server });

const { step, counts } = steps();
const visible = (locator, timeout = 8000) => locator.first().waitFor({ timeout });

const owner = cli("server", ["team-init", "--database", database, "--name", "Ada", "--team", "Forecasting"]);
const listen = `127.0.0.1:${await freePort()}`;
let team = await startTeam(listen);
const teamUrl = team.info.url;
cli("ada", ["project", "new", "--name", "Team forecast"]);
const ada = await startStudio(bin, ["--ui", ui], { STUDIO_HOME: homes.ada });
const bea = await startStudio(bin, ["--ui", ui], { STUDIO_HOME: homes.bea });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
});
const adaPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const beaPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

/** Fills a team dialog's server and token. */
async function signIn(dialog) {
  await dialog.getByLabel("Team server").fill(teamUrl);
  await dialog.getByLabel("Token").fill(owner.token);
}

try {
  await step("Ada publishes a project to the team from its header", async () => {
    await adaPage.goto(ada.info.url);
    await adaPage.getByRole("button", { name: "Team forecast" }).click();
    await visible(adaPage.getByTestId("project-name"));
    await adaPage.getByTestId("publish").click();
    const dialog = adaPage.getByTestId("publish-dialog");
    await signIn(dialog);
    await dialog.getByRole("button", { name: "Show my teams" }).click();
    // An option is never "visible" on its own: it is there once the select lists it.
    await dialog
      .getByLabel("Team")
      .locator("option", { hasText: "Forecasting" })
      .first()
      .waitFor({ state: "attached", timeout: 8000 });
    await adaPage.screenshot({ path: join(artifacts, "team-1-publish.png") });
    await dialog.getByRole("button", { name: "Publish", exact: true }).click();
    await visible(adaPage.getByTestId("team-link").filter({ hasText: "Team copy" }));
  });
  await step("Bea opens it from the library as a local copy", async () => {
    await beaPage.goto(bea.info.url);
    await beaPage.getByTestId("open-from-team").click();
    const dialog = beaPage.getByTestId("open-from-team-dialog");
    await signIn(dialog);
    await dialog.getByRole("button", { name: "Show the team's projects" }).click();
    await visible(dialog.getByTestId("team-projects").filter({ hasText: "Team forecast" }));
    await beaPage.screenshot({ path: join(artifacts, "team-2-open.png") });
    await dialog.getByRole("button", { name: "Open a local copy" }).click();
    await visible(beaPage.getByTestId("project-name").filter({ hasText: "Team forecast" }));
    await visible(beaPage.getByTestId("team-link"));
  });
  await step("Bea's edit reaches Ada through the team on Sync now", async () => {
    await beaPage.getByTestId("tab-data").click();
    await beaPage.getByLabel("Field").fill("from-bea");
    await beaPage.getByLabel("Value").fill("1");
    await beaPage.getByLabel("Reason").fill("team test");
    await beaPage.getByRole("button", { name: "Override" }).click();
    await visible(beaPage.getByTestId("team-link").filter({ hasText: "changes to send" }));
    await beaPage.getByTestId("team-sync").click();
    await visible(beaPage.getByTestId("team-link").filter({ hasNotText: "changes to send" }));
    await adaPage.getByTestId("team-sync").click();
    await adaPage.getByTestId("tab-data").click();
    await visible(adaPage.getByTestId("overrides").filter({ hasText: "from-bea" }), 10000);
    await adaPage.screenshot({ path: join(artifacts, "team-3-synced.png") });
  });
  await step("With the team server down, Sync now says why and the copy keeps working", async () => {
    await stopStudio(team.child);
    await adaPage.getByTestId("team-sync").click();
    await visible(adaPage.getByTestId("team-link").filter({ hasText: "not reachable" }), 10000);
    await adaPage.screenshot({ path: join(artifacts, "team-4-offline.png") });
    team = await startTeam(listen);
    await adaPage.getByTestId("team-sync").click();
    await visible(adaPage.getByTestId("team-link").filter({ hasText: "synced" }), 10000);
  });
} catch {
  await adaPage.screenshot({ path: join(artifacts, "team-failure-ada.png") }).catch(() => {});
  await beaPage.screenshot({ path: join(artifacts, "team-failure-bea.png") }).catch(() => {});
} finally {
  await browser.close();
  await Promise.all([ada, bea, team].map(({ child }) => stopStudio(child)));
  for (const home of Object.values(homes)) rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  pg("dropdb", ["--force", dbName]);
  console.log(`team e2e: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
