// Holds src/api/schema.ts to the OpenAPI document it is generated from: the UI's request and
// answer types are the Rust types, through crates/studio-server/src/openapi.json. Run
// `npm run api:types` after changing an API type.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = join(mkdtempSync(join(tmpdir(), "api-types-")), "schema.ts");
const bin = (name) => join("node_modules", ".bin", name);
execFileSync(
  bin("openapi-typescript"),
  ["../crates/studio-server/src/openapi.json", "--default-non-nullable", "false", "-o", out],
  { stdio: "ignore" },
);
execFileSync(bin("prettier"), ["--write", out, "--config", ".prettierrc.json"], { stdio: "ignore" });
if (readFileSync(out, "utf8") !== readFileSync("src/api/schema.ts", "utf8")) {
  console.error("ui/src/api/schema.ts is not current: run `npm --prefix ui run api:types`");
  process.exit(1);
}
console.log("api:check: src/api/schema.ts is current");
