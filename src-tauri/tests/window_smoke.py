"""The real desktop window under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver):
the library shows, a project is created and opened, the tabs switch, an edit is undone, Run all
fills the tasks panel, and every request of the core reaches its handler through the shell's
`dispatch` command.
A screenshot of the whole screen is written to src-tauri/tests/artifacts/.

Usage: window_smoke.py APP_BINARY   (run inside xvfb-run; tauri-driver on PATH)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts")


def main(app):
    os.makedirs(ARTIFACTS, exist_ok=True)
    home = tempfile.mkdtemp(prefix="studio-desktop-")
    env = {k: v for k, v in os.environ.items() if k not in ("STUDIO_DB", "STUDIO_USER")}
    env["STUDIO_HOME"] = home
    # "Show in folder" runs this instead of a file manager.
    env["STUDIO_OPENER"] = "true"
    driver_proc = subprocess.Popen(["tauri-driver", "--port", "4444"], env=env, stdout=subprocess.DEVNULL, stderr=None if os.environ.get("SMOKE_VERBOSE") else subprocess.STDOUT)
    passed = failed = 0
    driver = None
    try:
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": app})
        started = time.time()
        for attempt in range(40):
            try:
                driver = webdriver.Remote(command_executor="http://127.0.0.1:4444", options=options)
                break
            except Exception:
                if attempt == 39:
                    raise
                time.sleep(0.5)
        wait = WebDriverWait(driver, 20)

        def step(name, fn):
            nonlocal passed, failed
            try:
                fn()
                passed += 1
                print(f"ok - {name}", flush=True)
            except Exception:
                failed += 1
                print(f"not ok - {name}\n{traceback.format_exc()}", flush=True)
                raise

        def text_present(selector, text):
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text))

        def library():
            text_present("h1", "FutureOS Studio")
            text_present("[data-testid=project-list]", "No projects yet")
            print(f"  library interactive {time.time() - started:.2f} s after the session was asked for", flush=True)

        def create():
            driver.find_element(By.CSS_SELECTOR, "input[aria-label='Project name']").send_keys("Desktop project")
            driver.find_element(By.XPATH, "//button[text()='Create']").click()
            text_present("[data-testid=project-name]", "Desktop project")

        def tabs():
            for tab in ["scenario", "report", "simulation", "data"]:
                driver.find_element(By.CSS_SELECTOR, f"[data-testid=tab-{tab}]").click()
                wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"[data-testid=tab-{tab}]").get_attribute("aria-selected") == "true")

        def undo():
            driver.find_element(By.CSS_SELECTOR, "input[aria-label='Field']").send_keys("households.total")
            driver.find_element(By.CSS_SELECTOR, "input[aria-label='Value']").send_keys("28100000")
            driver.find_element(By.CSS_SELECTOR, "input[aria-label='Reason']").send_keys("census revision")
            driver.find_element(By.XPATH, "//button[text()='Override']").click()
            text_present("[data-testid=overrides]", "census revision")
            subprocess.run(["import", "-window", "root", os.path.join(ARTIFACTS, "desktop-project.png")], check=False)
            driver.find_element(By.XPATH, "//button[text()='Undo']").click()
            text_present("[data-testid=overrides]", "No overrides.")
            text_present("[data-testid=log]", "Undo: Overrode 'households.total'")

        def run_all():
            driver.find_element(By.CSS_SELECTOR, "[data-testid=run-all]").click()
            text_present("[data-testid=tasks]", "Refresh data")
            text_present("[data-testid=tasks]", "no marginals")

        def every_request():
            doc = json.load(open(os.path.join(HERE, "..", "..", "crates", "studio-server", "src", "openapi.json")))
            schemas = doc["components"]["schemas"]
            envelope = schemas.get("EnvelopeInput", schemas["Envelope"])
            fixed = {"workbench": "data", "action": "explore_sources", "path": "/nonexistent/reach.studio",
                     "format": "pdf", "version": 1, "role": "viewer", "section": "overrides",
                     "change": {"change": "remove", "user_id": "reached"},
                     "task": {"task_id": "reached", "question": "Will it pass 30%?"},
                     "search": {"levers": []}, "edit": {"path": "potential", "value": 0.5},
                     "workflow": {"workflow_id": "reached", "name": "Reached",
                                  "steps": [{"id": "e", "type": "wait", "seconds": 0}]}}
            by_type = {"integer": 1, "boolean": False, "array": [], "object": {}}
            requests = []
            for variant in envelope["oneOf"]:
                request = {"api_version": 1}
                for field in variant["required"]:
                    schema = variant["properties"][field]
                    if field == "request":
                        request[field] = schema["const"]
                    elif field in ("project_id", "task_id", "report_id"):
                        request[field] = f"no-such-{field}"
                    elif field in fixed:
                        request[field] = fixed[field]
                    else:
                        # `true` is the schema of any JSON (a session's state).
                        kind = schema.get("type") if isinstance(schema, dict) else None
                        request[field] = by_type.get(kind, "reached")
                requests.append(request)
            answers = driver.execute_async_script(
                """
                const [requests, done] = arguments;
                Promise.all(requests.map((request) =>
                  window.__TAURI_INTERNALS__.invoke("dispatch", { request })
                    .then(() => ({ request: request.request, ok: true }))
                    .catch((e) => ({ request: request.request, ok: false, code: e.code, message: e.message }))
                )).then(done);
                """,
                requests,
            )
            assert len(answers) == len(requests) >= 38, answers
            malformed = [a for a in answers if not a["ok"] and str(a.get("message", "")).startswith("malformed request")]
            assert not malformed, malformed
            print(f"  {len(answers)} requests reached their handlers", flush=True)

        step("the library shows", library)
        step("create and open a project", create)
        step("switch workbench tabs", tabs)
        step("edit and undo", undo)
        step("run all shows the tasks with their outcome", run_all)
        step("every request reaches the core through the dispatch command", every_request)
    except Exception:
        if failed == 0:
            failed += 1
            traceback.print_exc()
    finally:
        subprocess.run(["import", "-window", "root", os.path.join(ARTIFACTS, "desktop-last.png")], check=False)
        if driver is not None:
            driver.quit()
        driver_proc.terminate()
        driver_proc.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
    print(f"desktop: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(os.path.abspath(sys.argv[1])))
