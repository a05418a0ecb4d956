// What the browser tests share: starting `studio serve` on a library of its own (STUDIO_HOME),
// answered with its first JSON document on stdout (url, base, token, hub) once it is whole; and
// steps that print one `ok` / `not ok` line each and count them.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

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

/** Steps that print `ok - NAME` or `not ok - NAME` and the error, and count both; a failed step
 *  throws on, so the rest of the run stops there. */
export function steps() {
  const counts = { passed: 0, failed: 0 };
  async function step(name, fn) {
    try {
      await fn();
      counts.passed++;
      console.log(`ok - ${name}`);
    } catch (e) {
      counts.failed++;
      console.log(
        `not ok - ${name}\n  ${String(e?.stack ?? e)
          .split("\n")
          .join("\n  ")}`,
      );
      throw e;
    }
  }
  return { step, counts };
}

/** Stops a `studio serve` (SIGTERM) and waits until it has closed its library, up to 10 s:
 *  its home can go only then. */
export function stopStudio(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", done);
    child.kill("SIGTERM");
    setTimeout(done, 10000);
  });
}

/** A free port on loopback, for a server to listen on (and come back on after it stops). */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
