"""The sandbox launcher: run as `python -I -S jail.py SPEC_JSON`, standard library only.

It applies every isolation the machine allows, reports which ones it applied on a status pipe,
then runs the command as pid 1 of a fresh pid namespace (so when it ends, or the launcher is
killed, every process it started dies with it). Layers, each tried and reported on its own:

- network: a new network namespace (as root, or inside a user namespace otherwise); landlock's
  TCP rules as a second line where the kernel has them;
- processes: pid namespace, parent-death signal, RLIMIT_NPROC (enforced only for a non-root uid,
  so root drops to an unprivileged sandbox uid);
- filesystem: landlock: read only the interpreter and system folders, write only the workspace;
- resources: RLIMIT_AS (RLIMIT_DATA for GPU jobs), RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE,
  no core dumps.

As root the command keeps one capability, CAP_DAC_READ_SEARCH, so an interpreter installed under
a private home stays readable; landlock still confines what it may read. Without landlock the
caller does not drop the uid (see sandbox.py's probe).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys

CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG, PR_SET_KEEPCAPS, PR_SET_NO_NEW_PRIVS = 1, 8, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH = 47, 2, 2
SYS_LANDLOCK_CREATE, SYS_LANDLOCK_ADD, SYS_LANDLOCK_RESTRICT = 444, 445, 446
LL_FS_ALL_ABI1 = (1 << 13) - 1          # execute .. make_sym
LL_REFER, LL_TRUNCATE, LL_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
LL_READ = (1 << 0) | (1 << 2) | (1 << 3)  # execute, read_file, read_dir
LL_FILE_ONLY = (1 << 0) | (1 << 1) | (1 << 2) | LL_TRUNCATE | LL_IOCTL_DEV
LL_NET_BIND, LL_NET_CONNECT = 1, 2
LL_SCOPE_ABSTRACT_UNIX, LL_SCOPE_SIGNAL = 1, 2

libc = ctypes.CDLL(None, use_errno=True)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _err() -> str:
    return os.strerror(ctypes.get_errno())


def _report(fd: int, **event: object) -> None:
    try:
        os.write(fd, (json.dumps(event) + "\n").encode())
    except OSError:
        pass  # the caller went away; nothing left to tell


def landlock_abi() -> int:
    abi = libc.syscall(SYS_LANDLOCK_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(0, abi)


def apply_landlock(read: list[str], write: list[str], devices: list[str], block_tcp: bool) -> str:
    """Confine the calling thread; returns a description of what applied."""
    abi = landlock_abi()
    if not abi:
        return f"none (landlock unavailable: {_err()})"
    fs = LL_FS_ALL_ABI1 | (LL_REFER if abi >= 2 else 0) | (LL_TRUNCATE if abi >= 3 else 0) | (
        LL_IOCTL_DEV if abi >= 5 else 0)
    attr = _RulesetAttr(fs, (LL_NET_BIND | LL_NET_CONNECT) if block_tcp and abi >= 4 else 0,
                        (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    rfd = libc.syscall(SYS_LANDLOCK_CREATE, ctypes.byref(attr), ctypes.c_size_t(size),
                       ctypes.c_uint32(0))
    if rfd < 0:
        return f"none (landlock ruleset: {_err()})"
    grants = [(p, LL_READ) for p in read] + [(p, fs) for p in write] + [
        (p, LL_READ | (1 << 1) | (fs & (LL_TRUNCATE | LL_IOCTL_DEV))) for p in devices]
    for path, access in grants:
        try:
            pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # a folder this machine does not have
        if not os.path.isdir(path):
            access &= LL_FILE_ONLY
        rule = _PathBeneath(access & fs, pfd)
        libc.syscall(SYS_LANDLOCK_ADD, rfd, 1, ctypes.byref(rule), ctypes.c_uint32(0))
        os.close(pfd)
    if libc.syscall(SYS_LANDLOCK_RESTRICT, rfd, ctypes.c_uint32(0)) != 0:
        return f"none (landlock restrict: {_err()})"
    os.close(rfd)
    return f"landlock abi {abi}"


def _unshare(flags: int) -> bool:
    return libc.unshare(ctypes.c_int(flags)) == 0


def _map_self(uid: int, gid: int) -> None:
    """Inside a new user namespace, keep our own ids (not root) so exec drops the namespace caps."""
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                       ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as fh:
            fh.write(text)


def namespaces(want_net: bool, want_pid: bool) -> dict[str, str]:
    """Unshare network and pid namespaces; as non-root inside a user namespace first."""
    applied = {"network": "none", "pid": "process group"}
    wanted = (CLONE_NEWNET if want_net else 0) | (CLONE_NEWPID if want_pid else 0)
    if not wanted:
        return applied
    if os.geteuid() != 0:
        uid, gid = os.getuid(), os.getgid()
        if not _unshare(CLONE_NEWUSER):
            applied["userns"] = f"unavailable ({_err()})"
            return applied
        try:
            _map_self(uid, gid)
        except OSError as exc:
            applied["userns"] = f"map failed ({exc.strerror})"
            return applied
        applied["userns"] = "own uid"
    tries = [wanted] if _unshare(wanted) else []
    if not tries:
        failed = _err()
        tries = [f for f in (CLONE_NEWNET, CLONE_NEWPID) if f & wanted and _unshare(f)]
        for key, flag in (("network", CLONE_NEWNET), ("pid", CLONE_NEWPID)):
            if flag & wanted and flag not in tries:
                applied[key] += f" (unshare: {failed})"
    done = sum(tries)
    if done & CLONE_NEWNET:
        applied["network"] = "netns"
    if done & CLONE_NEWPID:
        applied["pid"] = "pidns"
    return applied


def set_limits(spec: dict) -> list[str]:
    done = []
    mb = 1024 * 1024
    memory = spec.get("memory_rlimit", "RLIMIT_AS")   # RLIMIT_DATA for GPU jobs (see limits.py)
    for name, value in ((memory, spec.get("memory_mb", 0) * mb),
                        ("RLIMIT_CPU", int(spec.get("cpu_s", 0))),
                        ("RLIMIT_FSIZE", spec.get("fsize_mb", 0) * mb),
                        ("RLIMIT_NOFILE", spec.get("nofile", 0)),
                        ("RLIMIT_NPROC", spec.get("nproc", 0)), ("RLIMIT_CORE", -1)):
        if not value:
            continue
        value = 0 if value == -1 else value
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
            done.append(name)
        except (ValueError, OSError):
            pass  # a limit this kernel refuses: reported by its absence
    return done


def drop_to(uid: int, keep_read: bool) -> str:
    """Root only: become an unprivileged uid, optionally keeping CAP_DAC_READ_SEARCH."""
    os.setgroups([])
    libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if keep_read:
        bit = 1 << CAP_DAC_READ_SEARCH
        data = (_CapData * 2)(_CapData(bit, bit, bit), _CapData(0, 0, 0))
        if libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data) != 0 or libc.prctl(
                PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH, 0, 0) != 0:
            return f"uid {uid} (read capability not kept: {_err()})"
        return f"uid {uid} + read capability"
    return f"uid {uid}"


def child(spec: dict, fd: int, launcher: int) -> None:
    """Runs in the forked child (pid 1 of the new pid namespace); never returns."""
    applied: dict[str, object] = {"limits": set_limits(spec)}
    if spec.get("uid") is not None and os.geteuid() == 0:
        applied["uid"] = drop_to(int(spec["uid"]), bool(spec.get("landlock")))
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if not spec.get("pid_ns") and os.getppid() != launcher:
        os._exit(125)  # the launcher died before we got here
    if spec.get("landlock"):
        applied["filesystem"] = apply_landlock(spec["read_paths"], spec["write_paths"],
                                               spec["devices"], bool(spec.get("net")))
    else:
        applied["filesystem"] = "none"
    if "read capability" in str(applied.get("uid")) and applied["filesystem"].startswith("none"):
        # the capability to read any file is only safe inside landlock's read rules
        raise RuntimeError(f"filesystem confinement failed: {applied['filesystem']}")
    _report(fd, event="child", applied=applied)
    os.close(fd)
    try:
        os.chdir(spec["cwd"])
        os.execve(spec["executable"], spec["argv"], spec["env"])
    except OSError as exc:
        os.write(2, f"sandbox: cannot start {spec['argv'][0]}: {exc.strerror}\n".encode())
        os._exit(127)


def main() -> int:
    spec = json.loads(sys.argv[1])
    fd = int(spec["status_fd"])
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    applied = namespaces(bool(spec.get("net")), bool(spec.get("pidns")))
    if applied["pid"] == "pidns":
        spec["pid_ns"] = True
    _report(fd, event="launcher", applied=applied)
    launcher = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            child(spec, fd, launcher)
        except BaseException as exc:  # noqa: BLE001 - report it; never return into the launcher
            os.write(2, f"sandbox: setup failed: {exc}\n".encode())
        finally:
            os._exit(126)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        _report(fd, event="exit", signal=os.WTERMSIG(status))
        return 128 + os.WTERMSIG(status)
    code = os.WEXITSTATUS(status)
    _report(fd, event="exit", code=code)
    return code


if __name__ == "__main__":
    sys.exit(main())
