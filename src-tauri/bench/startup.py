"""Desktop startup and idle memory, measured on the real window under Xvfb.

Each round starts the app on a library of 20 projects (made with the `studio` command), and
times from the moment the process is spawned to the moment the page reports its library
screen shown with its data (the app prints `ui_ready` when `STUDIO_STARTUP_REPORT` is set).
After ten idle seconds it sums the resident, proportional and anonymous memory (RSS, PSS, anonymous) of the app and
the WebKit processes it started.

Usage (run inside xvfb-run):  startup.py APP_BINARY STUDIO_BINARY [ROUNDS]
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

IDLE_SECONDS = 10


def children(pid):
    """The process and all its descendants."""
    found = [pid]
    for proc in os.listdir("/proc"):
        if not proc.isdigit():
            continue
        try:
            with open(f"/proc/{proc}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == pid:
            found.extend(children(int(proc)))
    return found


def memory_kib(pid):
    """(RSS, PSS, anonymous) in KiB of one process, from smaps_rollup. Anonymous memory is
    the process's own (heaps, JS, caches); the rest of RSS is mostly shared libraries."""
    rss = pss = anon = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Anonymous:"):
                    anon = int(line.split()[1])
    except OSError:
        pass
    return rss, pss, anon


def drop_caches():
    """A cold start reads the binary and libraries from disk; needs root, else stays warm."""
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def library(studio, home):
    env = dict(os.environ, STUDIO_HOME=home)
    env.pop("STUDIO_DB", None)
    for i in range(20):
        subprocess.run([studio, "project", "new", "--name", f"Study {i + 1}", "--json"], env=env, check=True,
                       stdout=subprocess.DEVNULL)


def round_(app, home, cold):
    env = dict(os.environ, STUDIO_HOME=home, STUDIO_STARTUP_REPORT="1")
    env.pop("STUDIO_DB", None)
    dropped = drop_caches() if cold else False
    spawned = time.time()
    proc = subprocess.Popen([app], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready = None
        while ready is None:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the app exited before its page was ready")
            if line.startswith("{") and '"ui_ready"' in line:
                ready = json.loads(line)
        startup_ms = ready["unix_ms"] - spawned * 1000
        time.sleep(IDLE_SECONDS)
        rss = pss = anon = 0
        for pid in children(proc.pid):
            r, p, a = memory_kib(pid)
            rss, pss, anon = rss + r, pss + p, anon + a
        return {"startup_ms": startup_ms, "in_process_ms": ready["since_start_ms"], "rss_mib": rss / 1024,
                "pss_mib": pss / 1024, "anon_mib": anon / 1024, "cold": dropped}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(app, studio, rounds):
    home = tempfile.mkdtemp(prefix="studio-bench-desktop-")
    try:
        library(studio, home)
        results = {"cold": [], "warm": []}
        for i in range(rounds):
            for kind in ("cold", "warm"):
                r = round_(app, home, cold=(kind == "cold"))
                if kind == "cold" and not r["cold"]:
                    kind = "warm"
                results[kind].append(r)
                print(f"round {i + 1} {kind}: {r['startup_ms']:.0f} ms to the library, idle RSS "
                      f"{r['rss_mib']:.0f} MiB, PSS {r['pss_mib']:.0f} MiB, anonymous {r['anon_mib']:.0f} MiB",
                      flush=True)
        for kind, rows in results.items():
            if rows:
                print(f"{kind}: startup median {statistics.median(r['startup_ms'] for r in rows):.0f} ms "
                      f"(max {max(r['startup_ms'] for r in rows):.0f}); idle PSS median "
                      f"{statistics.median(r['pss_mib'] for r in rows):.0f} MiB, RSS median "
                      f"{statistics.median(r['rss_mib'] for r in rows):.0f} MiB, anonymous median "
                      f"{statistics.median(r['anon_mib'] for r in rows):.0f} MiB over {len(rows)} rounds")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 5)
