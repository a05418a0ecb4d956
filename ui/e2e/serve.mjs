// Starting `studio serve` for the browser tests: on a library of its own (STUDIO_HOME), its
// first JSON document on stdout (url, base, token, hub) answered once it is whole.
import { spawn } from "node:child_process";

/** Starts `bin serve --json ARGS…` with `env` over the environment; resolves `{ child, info }`. */
export function startStudio(bin, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--json", ...args], {
      env: Object.fromEntries(
        // Warnings only on stderr (no line a request), unless the caller's environment says else.
        Object.entries({ STUDIO_LOG: "warn", ...process.env, ...env }).filter(
          ([k]) => k !== "STUDIO_DB" && k !== "STUDIO_USER" && k !== "STUDIO_SMTP_URL",
        ),
      ),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      try {
        resolve({ child, info: JSON.parse(out) });
      } catch {
        // not a whole document yet
      }
    });
    child.on("exit", (code) => reject(new Error(`studio serve exited with ${code}`)));
    setTimeout(() => reject(new Error("studio serve did not start in 20 s")), 20000);
  });
}
