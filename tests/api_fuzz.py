#!/usr/bin/env python3
"""Fuzzes the HTTP API from its own OpenAPI document with schemathesis: `studio serve` on a
fresh library holding one project (a custom source, a scenario, a saved version, a task), then
every operation called with inputs generated from its schema. Checks: no answer is a server
error (5xx), every answer matches the schema documented for it.

Left out, on purpose: the routes that write files where a request says or open programs on this
machine (exports to a path, "show in folder"), and the generic envelope route that can ask for
any of those; the envelope is covered by the API tests, and every request it carries is also
one of the routes fuzzed here.

Usage: api_fuzz.py STUDIO_BIN SCHEMATHESIS_BIN [MAX_EXAMPLES]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

EXCLUDED = r"(/export$|/reveal$|/api/v1/studio/requests$|^/ws/)"


def main():
    studio, schemathesis = sys.argv[1], sys.argv[2]
    examples = sys.argv[3] if len(sys.argv) > 3 else "30"
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, STUDIO_HOME=home, STUDIO_LOG="warn")
        server = subprocess.Popen(
            [studio, "--db", os.path.join(home, "library.db"), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        try:
            url = None
            deadline = time.time() + 30
            while time.time() < deadline and url is None:
                line = server.stdout.readline()
                found = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=([0-9a-f]+)", line)
                if found:
                    url, token = found.group(1), found.group(2)
            if url is None:
                sys.exit(f"api_fuzz: studio serve did not start: {server.stderr.read()}")
            ids = seed(url, token)
            config = os.path.join(home, "schemathesis.toml")
            with open(config, "w") as f:
                f.write("[parameters]\n")
                for name, value in ids.items():
                    f.write(f'"{name}" = {json.dumps(value)}\n')
            run = subprocess.run(
                [schemathesis, "--config-file", config, "run", f"{url}/api/v1/openapi.json",
                 "-H", f"Authorization: Bearer {token}",
                 "--checks", "not_a_server_error,response_schema_conformance",
                 "--mode", "positive", "-n", examples, "--generation-deterministic",
                 "--exclude-path-regex", EXCLUDED],
                env=env,
            )
            sys.exit(run.returncode)
        finally:
            server.terminate()
            server.wait(timeout=10)


def call(url, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def seed(url, token):
    """A project with something in each workbench the fuzzer can reach without a simulation."""
    projects = "/api/v1/studio/projects"
    project = call(url, token, "POST", projects, {"project_name": "Fuzzed"})["project_id"]
    act = lambda workbench, action, payload: call(  # noqa: E731
        url, token, "POST", f"{projects}/{project}/workbench/{workbench}/action",
        {"action": action, "payload": payload})
    act("data", "add_custom_source", {"source_name": "prices", "configuration": {
        "type": "table", "columns": [{"name": "year", "type": "integer"}, {"name": "price", "type": "float"}],
        "rows": [[2025, 1.0], [2026, 0.9]]}})
    act("scenario", "create_scenario", {"scenario_config": {
        "name": "Cheaper", "description": "prices fall", "variable_overrides": [{"variable": "price", "value": 0.8}]}})
    call(url, token, "POST", f"{projects}/{project}/versions")
    task = call(url, token, "POST", f"{projects}/{project}/versions?background=true")["id"]
    return {"id": project, "tid": task, "version": 1}


if __name__ == "__main__":
    main()
