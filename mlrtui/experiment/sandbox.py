"""The local sandboxed executor: an isolated subprocess with limits, killed as a whole.

What this machine allows is probed once per process and recorded in every execution's
`sandbox` facts (network, pid, filesystem, uid, limits, escape check), so a record never claims
an isolation that did not apply. The command gets a minimal environment: no API keys, HOME and
TMPDIR inside the workspace. A `python` command runs with the configured experiment interpreter
(experiment/interpreter.py), whose folders are readable; its version and package versions are
recorded in the facts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.experiment import jail
from mlrtui.experiment.classify import classify
from mlrtui.experiment.diskcap import WorkspaceCap
from mlrtui.experiment.executor import OUTPUT_CAP, CappedBuffer, ExecResult, ExecSpec
from mlrtui.experiment.interpreter import Interpreter, InterpreterError, describe
from mlrtui.experiment.limits import allocated_gpus, limits_for, present_gpu_devices
from mlrtui.store.db import now

JAIL = Path(jail.__file__).resolve()
SYSTEM_READ = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc",
               "/sys/devices/system/cpu"]
ETC_READ = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd",
            "group", "nsswitch.conf", "hosts", "resolv.conf", "ssl", "ca-certificates",
            "matplotlibrc", "fonts", "mime.types", "os-release", "alternatives", "protocols",
            "services", "gai.conf"]
DEVICES = ["/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/random"]
_uids = itertools.count()


@dataclass
class Capabilities:
    """What the probe found this machine lets the sandbox do."""

    root: bool
    drop_uid: bool
    landlock_abi: int
    notes: list[str] = field(default_factory=list)


_caps: Capabilities | None = None
_caps_lock = threading.Lock()


def read_paths(interpreter: Interpreter | None = None) -> list[str]:
    """Folders the command may read: the interpreters, their packages and system libraries."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix,
             str(Path(os.path.realpath(sys.executable)).parent.parent)}
    if interpreter is not None:
        found.update(interpreter.read_paths())
    return sorted(found) + SYSTEM_READ + [f"/etc/{name}" for name in ETC_READ]


def _jail_spec(argv: list[str], cwd: str, env: dict[str, str], *, uid: int | None,
               landlock: bool, net_off: bool, limits: dict, status_fd: int,
               devices: list[str] | None = None, extra_read: list[str] | None = None,
               interpreter: Interpreter | None = None) -> dict:
    return {"status_fd": status_fd, "net": net_off, "pidns": True, "landlock": landlock,
            "uid": uid, "read_paths": read_paths(interpreter) + (extra_read or []),
            "write_paths": [cwd], "devices": DEVICES + (devices or []), "cwd": cwd,
            "executable": argv[0], "argv": argv, "env": env, **limits}


def _run_sync(spec: dict) -> tuple[str, list[dict]]:
    r, w = os.pipe()
    spec["status_fd"] = w
    try:
        proc = subprocess.run([sys.executable, "-I", "-S", str(JAIL), json.dumps(spec)],
                              check=False,
                              pass_fds=(w,), capture_output=True, text=True, timeout=30,
                              start_new_session=True)
    finally:
        os.close(w)
    return proc.stdout, _events(r)


def probe() -> Capabilities:
    """Find once which isolations work here; the uid drop only if the interpreter still runs."""
    global _caps
    with _caps_lock:
        if _caps is not None:
            return _caps
        root = os.geteuid() == 0
        abi = jail.landlock_abi()
        caps = Capabilities(root=root, drop_uid=False, landlock_abi=abi)
        if root:
            probe_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"mlrtui-probe-{os.getpid()}"
            probe_dir.mkdir(parents=True, exist_ok=True)
            uid = 100000 + os.getpid() % 50000
            os.chown(probe_dir, uid, uid)
            try:
                out, _ = _run_sync(_jail_spec(
                    [sys.executable, "-c", "print('sandbox-ok')"], str(probe_dir),
                    {"PATH": "/usr/bin:/bin"}, uid=uid, landlock=abi > 0, net_off=True,
                    limits={}, status_fd=-1))
                caps.drop_uid = out.strip() == "sandbox-ok"
            except (OSError, subprocess.SubprocessError) as exc:
                caps.notes.append(f"uid probe failed: {exc}")
            finally:
                shutil.rmtree(probe_dir, ignore_errors=True)
            if not caps.drop_uid:
                caps.notes.append("running as root without a separate uid: the interpreter is "
                                  "not readable by an unprivileged user here")
        _caps = caps
        return caps


def _events(fd: int) -> list[dict]:
    os.set_blocking(fd, False)
    data = b""
    with contextlib.suppress(BlockingIOError, OSError):
        while chunk := os.read(fd, 65536):
            data += chunk
    os.close(fd)
    out = []
    for line in data.decode("utf-8", "replace").splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


def minimal_env(workspace: Path, extra: dict[str, str] | None = None, *,
                bindir: str | None = None) -> dict[str, str]:
    """Only what a Python experiment needs; never anything from the caller's environment."""
    home = workspace / ".home"
    bindir = bindir or str(Path(sys.executable).parent)
    env = {"PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
           "TMPDIR": str(workspace / ".tmp"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
           "XDG_CACHE_HOME": str(home / ".cache"), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "USER": "sandbox"}
    env.update(extra or {})
    return env


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chown(dirpath, uid, uid, follow_symlinks=False)
        for name in filenames + dirnames:
            with contextlib.suppress(OSError):
                os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


def _owned_outside(uid: int, workspace: Path, roots: list[Path], limit: int = 20000) -> list[str]:
    """Files a sandbox uid left outside its workspace: the check behind the write confinement."""
    found, seen = [], 0
    for root in roots:
        stack = [(root, 0)]
        while stack and seen < limit:
            folder, depth = stack.pop()
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                for entry in entries:
                    seen += 1
                    path = Path(entry.path)
                    if path == workspace:
                        continue
                    with contextlib.suppress(OSError):
                        st = entry.stat(follow_symlinks=False)
                        if st.st_uid == uid:
                            found.append(str(path))
                        elif entry.is_dir(follow_symlinks=False) and depth < 3:
                            stack.append((path, depth + 1))
    return found[:20]


class SandboxExecutor:
    """Runs a command in the local sandbox; see the module docstring for what it isolates."""

    name = "sandbox"

    async def run(self, spec: ExecSpec) -> ExecResult:
        caps = await asyncio.to_thread(probe)
        ws = spec.workspace.resolve()
        for sub in (ws / ".home", ws / ".tmp"):
            sub.mkdir(parents=True, exist_ok=True)
        started, command = now(), " ".join(spec.argv)
        try:
            interp = await asyncio.to_thread(describe, spec.python)
        except InterpreterError as exc:
            return ExecResult(command, str(ws), None, "error", str(exc), 0.0, "", "", started)
        lim = limits_for(spec, present_gpu_devices() if spec.gpus > 0 else [], allocated_gpus())
        env = minimal_env(ws, {**lim.env, **spec.env}, bindir=interp.bindir)
        argv = [interp.path if spec.argv[0] in ("python", "python3") else spec.argv[0],
                *spec.argv[1:]]
        argv[0] = shutil.which(argv[0], path=env["PATH"]) or argv[0]
        own = caps.drop_uid and spec.own_uid
        uid = 100000 + (os.getpid() * 131 + next(_uids)) % 50000 if own else None
        if uid is not None:
            _chown_tree(ws, uid)
        limits = lim.jail_limits(_nproc_limit(caps, uid, lim.max_processes))
        r, w = os.pipe()
        jspec = _jail_spec(argv, str(ws), env, uid=uid, status_fd=w, limits=limits,
                           landlock=caps.landlock_abi > 0, net_off=not spec.network,
                           devices=lim.devices, extra_read=lim.read_paths + spec.read_paths,
                           interpreter=interp)
        t0 = time.monotonic()
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-I", "-S", str(JAIL), json.dumps(jspec),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=(w,), start_new_session=True, cwd=str(ws), env=env)
        except OSError as exc:
            os.close(r)
            return ExecResult(command, str(ws), None, "error", f"cannot start: {exc}", 0.0,
                              "", "", started, resources=spec.resources())
        finally:
            os.close(w)
        out, err = CappedBuffer(spec.output_cap or OUTPUT_CAP), CappedBuffer()
        pumps = [asyncio.ensure_future(_pump(proc.stdout, out)),
                 asyncio.ensure_future(_pump(proc.stderr, err))]
        cap = WorkspaceCap(ws, spec.max_workspace_mb, lambda: _kill(proc))
        watcher = asyncio.ensure_future(cap.watch())
        timed_out = False
        try:
            await asyncio.wait_for(proc.wait(), spec.timeout_s)
        except TimeoutError:
            timed_out = True
        except asyncio.CancelledError:
            _kill(proc)
            with contextlib.suppress(BaseException):
                await proc.wait()
            for pump in pumps:
                pump.cancel()
            _events(r)
            raise
        finally:
            watcher.cancel()
            _kill(proc)   # the whole group: also stragglers of a command without a pid namespace
        await proc.wait()
        _done, pending = await asyncio.wait(pumps, timeout=2)
        for pump in pending:
            pump.cancel()
        events = _events(r)
        facts = _facts(events, caps, uid)
        if caps.drop_uid and not spec.own_uid:
            facts["uid_note"] = ("kept mlrtui's uid: the command is installed where no other "
                                 "uid reaches")
        if spec.gpus > 0:
            facts["gpu"] = (f"CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES', '')}; devices: "
                            + (", ".join(lim.devices) or "none on this machine"))
        facts["interpreter"] = interp.facts()
        exit_event = next((e for e in events if e.get("event") == "exit"), {})
        code = exit_event.get("code")
        sig = exit_event.get("signal")
        if code is None and sig is None and proc.returncode is not None and not timed_out:
            code = proc.returncode
        status, reason = classify(code, sig, timed_out, err.text(), spec)
        facts.update(cap.facts())
        if cap.exceeded is not None:
            status, reason = "killed", cap.reason()
        if uid is not None:
            escaped = await asyncio.to_thread(_owned_outside, uid, ws, _escape_roots(ws))
            facts["escape_check"] = f"files owned by uid {uid} outside the workspace: " + (
                ", ".join(escaped) if escaped else "none")
            if escaped:
                status, reason = "failed", f"wrote outside the workspace: {escaped[0]}"
        return ExecResult(command, str(ws), code, status, reason,
                          round(time.monotonic() - t0, 3), out.text(), err.text(), started,
                          sandbox=facts, resources=spec.resources())


def _nproc_limit(caps: Capabilities, uid: int | None, wanted: int) -> int:
    """RLIMIT_NPROC counts every process of the real uid: a shared uid needs headroom."""
    if uid is not None:
        return wanted
    if caps.root:
        return 0       # not enforced for root; recorded in the facts
    mine = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                mine += os.stat(f"/proc/{entry}").st_uid == os.getuid()
    return mine + wanted


def _escape_roots(ws: Path) -> list[Path]:
    roots = [Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), ws.parent]
    home = os.environ.get("HOME")
    if home:
        roots.append(Path(home))
    return [r for r in dict.fromkeys(roots) if r.is_dir()]


def _facts(events: list[dict], caps: Capabilities, uid: int | None) -> dict:
    facts: dict = {"network": "none", "pid": "process group", "filesystem": "none",
                   "uid": "same as mlrtui"}
    for event in events:
        facts.update(event.get("applied") or {})
    if uid is None:
        facts["escape_check"] = "skipped: no separate uid on this machine"
        if caps.root:
            facts["limits_note"] = "RLIMIT_NPROC is not enforced for root"
    facts["notes"] = caps.notes
    return facts


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def _pump(stream: asyncio.StreamReader | None, buf: CappedBuffer) -> None:
    if stream is None:
        return
    while chunk := await stream.read(65536):
        buf.feed(chunk)
