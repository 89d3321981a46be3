#!/usr/bin/python3
"""A sharded sweep on real Slurm daemons: `greenbatch slurm submit`, a requeue, the merge job.

    slurm_e2e_test.py BUILD_DIR SOURCE_DIR

Starts munged, slurmctld and slurmd as this test's own processes (the set-up of
docs/slurm.md, "Tested on real Slurm": one node, 127.0.0.1, ports free at test time, no cgroups),
then:
  1. greenbatch slurm submit of a small noop experiment with 3 shards, into a folder whose name
     holds a space, quotes, $ and backticks (every path in the job scripts must be quoted);
  2. requeues, twice, the array task with the most configurations while it runs one (checked
     RUNNING in squeue, and running a configuration by its progress file), as a preemption does;
  3. waits, bounded, for the merge job;
  4. checks that the merged store holds every configuration exactly once (one runs row, and
     exactly the experiment's requests per configuration: an interrupted attempt left nothing),
     the same set as a local `greenbatch sweep` of the same file, and what `slurm status` says;
  5. stops every job and the daemons it started, by pid, whatever happened.

Exit 0 passed, 1 failed, 77 skipped (a missing capability, named). As root with CI=true a missing
capability is a failure, never a skip. Slurm and munge come from scripts/setup.sh --test; when
they are missing and this runs as root, the test runs it.
"""

import ctypes
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

SKIP = 77
DEADLINE_S = 210  # below the ctest TIMEOUT (240 s), so that this script always cleans up itself
START = time.monotonic()
DAEMONS = ["munged", "slurmctld", "slurmd"]
CLIENTS = ["sbatch", "squeue", "scontrol", "scancel", "sinfo"]
# Daemons live in sbin, which a non-login PATH may lack.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
REQUESTS = 300  # per configuration: 1.5 to 3 s at 100 to 200 requests/s

EXPERIMENT = f"""
[experiment]
name = "slurm-e2e"
requests = {REQUESTS}
warmup_batches = 0
repetitions = 1
seed = 3
device = "cpu"
meter = "estimate"
idle_seconds = 0

[grid]
models = ["noop"]
rates = [100, 150, 200]
arrival = ["paper"]
policies = ["fixed:4", "fixed:8", "greedy"]
"""


def log(msg):
    print(f"[{time.monotonic() - START:6.1f} s] {msg}", flush=True)


def fail(msg):
    raise AssertionError(msg)


def skip_or_fail(why):
    if os.environ.get("CI") == "true" and os.geteuid() == 0:
        print(f"FAILED: {why} (CI=true and root: this test must run, not skip)", flush=True)
        sys.exit(1)
    print(f"SKIPPED: {why}", flush=True)
    sys.exit(SKIP)


def left():
    return DEADLINE_S - (time.monotonic() - START)


def wait_for(what, check, timeout, interval=0.2):
    """Polls check() until it returns something true; bounded by `timeout` and the deadline."""
    end = time.monotonic() + min(timeout, max(left(), 1))
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(interval)
    fail(f"timed out waiting for {what}")


def missing_commands():
    return [c for c in DAEMONS + CLIENTS if not shutil.which(c, path=SEARCH_PATH)]


def ensure_installed(source):
    missing = missing_commands()
    if not missing:
        return
    if os.geteuid() != 0:
        skip_or_fail(f"Slurm and munge are not installed ({', '.join(missing)} missing), and only "
                     "root can install them (scripts/setup.sh --test)")
    log(f"installing slurm-wlm and munge: scripts/setup.sh --test ({', '.join(missing)} missing)")
    r = subprocess.run(["bash", str(source / "scripts" / "setup.sh"), "--test"],
                       capture_output=True, text=True, timeout=max(left() - 120, 30))
    if r.returncode != 0 or missing_commands():
        skip_or_fail("scripts/setup.sh --test could not install slurm-wlm and munge: " +
                     (r.stderr.strip().splitlines() or ["?"])[-1])


def free_ports(n):
    """n distinct ports free on 127.0.0.1 now (held open together, so they differ)."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def die_with_parent():
    # The daemons stay this process's children (foreground mode); if this test is killed
    # (SIGKILL by a runner), the kernel takes them down too.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Cluster:
    def __init__(self, scratch, greenbatch):
        self.dir = scratch
        self.greenbatch = greenbatch
        self.procs = []  # (name, Popen), in start order
        self.env = dict(os.environ, SLURM_CONF=str(scratch / "slurm.conf"))

    def start(self):
        d = self.dir
        for sub in ["munge", "state", "spool", "log"]:
            (d / sub).mkdir(mode=0o700)
        key = d / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        socket_path = d / "munge" / "munge.socket"
        ctld_port, slurmd_port = free_ports(2)
        host = socket.gethostname().split(".")[0]
        cpus = os.cpu_count() or 1
        # cred_expire: a requeued job waits this long (+1 s) before it may start again (120 s by
        # default); sched_interval: the main scheduler looks at pending jobs every 2 s.
        (d / "slurm.conf").write_text(f"""ClusterName=gbtest
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
AuthInfo=socket={socket_path},cred_expire=8
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=2
KillWait=5
ReturnToService=2
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""")
        self.spawn("munged", ["munged", "-F", "--force", f"--socket={socket_path}",
                              f"--key-file={key}", f"--pid-file={d}/munge/munged.pid",
                              f"--log-file={d}/log/munged.log", f"--seed-file={d}/munge/seed"])
        wait_for("munged's socket", lambda: socket_path.exists() or self.check_alive(), 15)
        self.spawn("slurmctld", ["slurmctld", "-D", "-f", str(d / "slurm.conf")])
        wait_for("slurmctld to answer", lambda: self.check_alive() or self.run(
            ["scontrol", "ping"], check=False).stdout.count("UP") > 0, 30)
        self.spawn("slurmd", ["slurmd", "-D", "-f", str(d / "slurm.conf")])
        wait_for("the node to be idle", lambda: self.check_alive() or "idle" in self.run(
            ["sinfo", "-h", "-o", "%T"], check=False).stdout, 40)
        log(f"Slurm up: slurmctld on 127.0.0.1:{ctld_port}, slurmd on :{slurmd_port}, "
            f"{cpus} CPUs")

    def spawn(self, name, argv):
        out = open(self.dir / "log" / f"{name}.out", "wb")
        argv = [shutil.which(argv[0], path=SEARCH_PATH)] + argv[1:]
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=self.env, preexec_fn=die_with_parent)
        self.procs.append((name, p))

    def check_alive(self):
        """Fails at once, with its log, when a daemon died (rather than waiting out a timeout)."""
        for name, p in self.procs:
            if p.poll() is not None:
                tail = (self.dir / "log" / f"{name}.out").read_text(errors="replace")[-2000:]
                logfile = self.dir / "log" / f"{name}.log"
                if logfile.exists():
                    tail += logfile.read_text(errors="replace")[-2000:]
                skip_or_fail(f"{name} cannot run in this sandbox (exit {p.returncode}): "
                             f"{tail.strip()}")
        return False

    def run(self, argv, check=True, timeout=60):
        r = subprocess.run(argv, capture_output=True, text=True, env=self.env,
                           timeout=min(timeout, max(left(), 5)), cwd=self.dir)
        if check and r.returncode != 0:
            fail(f"{' '.join(argv)} exited {r.returncode}: {r.stdout}{r.stderr}")
        return r

    def squeue(self, job):
        """{id: state} of `job`'s tasks (array tasks expanded) in the queue."""
        r = self.run(["squeue", "-h", "-r", "-j", job, "-o", "%i|%T"], check=False)
        return dict(line.split("|", 1) for line in r.stdout.split() if "|" in line)

    def stop(self):
        """Cancels every job, then stops the daemons by pid, newest first; whatever happened."""
        if any(n == "slurmctld" and p.poll() is None for n, p in self.procs):
            try:
                self.run(["scancel", "--full", "--quiet", "-u", "root"], check=False, timeout=10)
                end = time.monotonic() + 15
                while time.monotonic() < end and self.run(
                        ["squeue", "-h", "-o", "%i"], check=False, timeout=10).stdout.strip():
                    time.sleep(0.5)
            except Exception as e:  # the daemons are stopped below all the same
                log(f"cancelling jobs: {e}")
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def progress(folder, shard, shards):
    path = folder / f"results-shard-{shard}-of-{shards}.progress.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # not written yet (renamed into place whole, never half-written)


def store_counts(path):
    """{config_id: number of requests rows} and the number of runs rows, of a store."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        runs = [r[0] for r in db.execute("SELECT config_id FROM runs")]
        requests = dict(db.execute("SELECT config_id, count(*) FROM requests GROUP BY config_id"))
    finally:
        db.close()
    return runs, requests


def requeue_while_running(cluster, array, out, shards, task, previous_pid):
    """Requeues array task `task` while it runs a configuration (in a process other than
    `previous_pid`, the one requeued before); returns its progress then, once it was requeued."""
    job = f"{array}_{task}"

    def running_a_configuration():
        p = progress(out, task, shards)
        return (cluster.squeue(array).get(job) == "RUNNING" and p and p["running"]
                and p["pid"] != previous_pid and p["done"] < p["total"] and p)

    p = wait_for(f"{job} to run a configuration", running_a_configuration, 90, 0.1)
    state = cluster.squeue(array).get(job)
    if state != "RUNNING":
        fail(f"{job} is {state}, not RUNNING, just before the requeue")
    restarts = restart_count(cluster, job)
    cluster.run(["scontrol", "requeue", job])
    log(f"requeued {job} while RUNNING '{p['running']}' ({p['done']}/{p['total']} done)")
    wait_for(f"{job} to restart", lambda: restart_count(cluster, job) > restarts, 20)
    return p


def restart_count(cluster, job):
    text = cluster.run(["scontrol", "show", "job", job], check=False).stdout
    for word in text.split():
        if word.startswith("Restarts="):
            return int(word.split("=", 1)[1])
    return 0


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    build, source = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    greenbatch = build / "greenbatch"
    if not os.access(greenbatch, os.X_OK):
        fail(f"{greenbatch} is not built")
    if os.geteuid() != 0:
        skip_or_fail("needs root: slurmd starts each job as its user, which only root can do")
    ensure_installed(source)

    scratch = pathlib.Path(tempfile.mkdtemp(prefix="gb-slurm-e2e-"))
    cluster = Cluster(scratch, greenbatch)
    local = None

    def interrupted(*_):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, interrupted)
    try:
        cluster.start()
        experiment = scratch / "noop.toml"
        experiment.write_text(EXPERIMENT)
        out = scratch / "out dir 'q' \"d\" $x `y`"
        shards = 3
        r = cluster.run([str(greenbatch), "slurm", "submit", str(experiment), "--out", str(out),
                         "--shards", str(shards), "--time", "00:10:00",
                         "--sbatch-arg=--comment=e2e \"quoted\" $x `y` # not a comment"])
        print(r.stdout, end="")
        ids = [line.split()[2] for line in r.stdout.splitlines()
               if line.startswith(("array job ", "merge job "))]
        if len(ids) != 2:
            fail(f"submit printed no array and merge job ids:\n{r.stdout}{r.stderr}")
        array, merge = ids
        comment = cluster.run(["scontrol", "show", "job", merge]).stdout
        if "Comment=e2e \"quoted\" $x `y` # not a comment" not in comment:
            fail(f"--sbatch-arg did not reach sbatch intact:\n{comment}")

        # The local sweep runs beside the cluster's (noop runs wait on arrivals, not the CPU).
        local = subprocess.Popen([str(greenbatch), "sweep", str(experiment), "--out",
                                  str(scratch / "local")], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, env=cluster.env,
                                 preexec_fn=die_with_parent)
        # "... in 3 shards (4, 2, 3 each) ...": the largest shard is requeued.
        sizes = r.stdout.split(" shards (", 1)[1].split(" each)", 1)[0].split(", ")
        task = max(range(shards), key=lambda i: int(sizes[i]))
        pid = None
        for _ in range(2):  # killed twice, it must still end with every configuration once
            pid = requeue_while_running(cluster, array, out, shards, task, pid)["pid"]
            status = cluster.run([str(greenbatch), "slurm", "status", str(out)]).stdout
            print(status, end="")
            row = next((line for line in status.splitlines()
                        if line.split()[:1] == [str(task)]), "")
            if not any(state in row for state in ("PENDING", "REQUEUE", "COMPLETING")):
                fail(f"slurm status does not show shard {task} requeued:\n{status}")

        wait_for(f"merge job {merge}", lambda: not cluster.squeue(merge), 150, 0.5)
        local_err = local.communicate(timeout=max(left(), 5))[1]
        if local.returncode != 0:
            fail(f"local sweep failed: {local_err}")
        merged = out / "merged" / "results.sqlite"
        if not merged.exists():
            logs = "".join(p.read_text(errors="replace") for p in sorted(
                (out / "slurm" / "logs").glob("*.log")))
            fail(f"no merged store after the merge job:\n{logs}")
        runs, requests = store_counts(merged)
        local_runs, _ = store_counts(scratch / "local" / "results.sqlite")
        if len(runs) != len(set(runs)):
            fail(f"a configuration is stored more than once: {sorted(runs)}")
        if set(runs) != set(local_runs) or len(local_runs) != 9:
            fail(f"merged {sorted(runs)} != local sweep's {sorted(local_runs)}")
        wrong = {k: v for k, v in requests.items() if v != REQUESTS}
        if set(requests) != set(runs) or wrong:
            fail(f"requests rows per configuration are not {REQUESTS} each: {wrong}")
        shard_log = (out / "slurm" / "logs" / f"shard-{task}.log").read_text(errors="replace")
        if "restart 2" not in shard_log or "interrupted" not in shard_log:
            fail(f"shard {task}'s log shows no interrupted run and second restart:\n{shard_log}")
        status = cluster.run([str(greenbatch), "slurm", "status", str(out)]).stdout
        print(status, end="")
        if "9 of 9 configurations done" not in status or "merged: 9 of 9" not in status:
            fail(f"slurm status after the merge:\n{status}")
        csv_rows = (out / "merged" / "results.csv").read_text().strip().splitlines()
        if len(csv_rows) != 1 + 9:
            fail(f"merged/results.csv has {len(csv_rows) - 1} rows, not 9")
        log("passed: 9 configurations, each once, same set as the local sweep")
        return 0
    except AssertionError as e:
        print(f"FAILED: {e}", flush=True)
        for name in ["slurmctld.log", "slurmd.log"]:
            path = scratch / "log" / name
            if path.exists():
                print(f"--- {name} (end)\n" + path.read_text(errors="replace")[-3000:])
        return 1
    finally:
        if local and local.poll() is None:
            local.kill()  # by its pid: the one process this test started for it
            local.wait()
        cluster.stop()
        log("daemons stopped")
        subprocess.run(["rm", "-rf", str(scratch)])


if __name__ == "__main__":
    sys.exit(main())
