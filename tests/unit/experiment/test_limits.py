"""Spec -> sandbox limits for CPU and GPU jobs. There is no GPU here: the mapping is a pure
function, checked directly; the launcher's device grant is checked on a character device node
of our own; a GPU-asking run goes through the real sandbox to show what it applies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlrtui.experiment import jail
from mlrtui.experiment.executor import ExecSpec
from mlrtui.experiment.limits import THREAD_VARS, limits_for
from mlrtui.experiment.sandbox import JAIL, SandboxExecutor, _jail_spec


def test_default_spec_keeps_the_old_limits(tmp_path: Path) -> None:
    lim = limits_for(ExecSpec(["python"], tmp_path, timeout_s=30))
    assert (lim.memory_mb, lim.memory_rlimit) == (2048, "RLIMIT_AS")
    assert (lim.cpu_s, lim.nofile, lim.max_processes) == (31, 1024, 64)
    assert lim.devices == [] and lim.read_paths == []
    assert lim.env == {name: "1" for name in THREAD_VARS}


def test_threads_and_cpu_time_follow_the_cpus_asked(tmp_path: Path) -> None:
    lim = limits_for(ExecSpec(["python"], tmp_path, timeout_s=100, cpus=8))
    assert lim.env["OMP_NUM_THREADS"] == lim.env["MKL_NUM_THREADS"] == "8"
    assert lim.cpu_s == 801                  # eight cores may burn eight CPU-seconds a second
    assert "CUDA_VISIBLE_DEVICES" not in lim.env


def test_gpu_job_uses_data_limit_devices_and_visible_gpus(tmp_path: Path) -> None:
    devices = ["/dev/nvidiactl", "/dev/nvidia1", "/dev/nvidia0", "/dev/nvidia-uvm"]
    lim = limits_for(ExecSpec(["python"], tmp_path, gpus=2, memory_mb=4096), devices)
    assert (lim.memory_mb, lim.memory_rlimit) == (4096, "RLIMIT_DATA")   # CUDA needs the AS
    assert lim.jail_limits(nproc=7)["memory_rlimit"] == "RLIMIT_DATA"
    assert lim.devices == sorted(devices)
    assert lim.env["CUDA_VISIBLE_DEVICES"] == "0,1"
    assert "/sys/bus/pci" in lim.read_paths


def test_scheduler_allocation_wins_and_is_cut_to_the_count(tmp_path: Path) -> None:
    spec = ExecSpec(["python"], tmp_path, gpus=2)
    assert limits_for(spec, [], "3,5,6").env["CUDA_VISIBLE_DEVICES"] == "3,5"
    assert limits_for(spec, [], " 4 ").env["CUDA_VISIBLE_DEVICES"] == "4"


def _jail(tmp_path: Path, code: str, devices: list[str]) -> subprocess.CompletedProcess:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    r, w = os.pipe()                            # the launcher's status pipe (unread here)
    spec = _jail_spec([sys.executable, "-c", code], str(ws), {"PATH": "/usr/bin:/bin"},
                      uid=None, landlock=True, net_off=False, limits={}, status_fd=w,
                      devices=devices)
    try:
        return subprocess.run([sys.executable, "-I", "-S", str(JAIL), json.dumps(spec)],
                              capture_output=True, text=True, timeout=30, check=False,
                              pass_fds=(w,))
    finally:
        os.close(w)
        os.close(r)


def test_landlock_opens_exactly_the_devices_it_is_given(tmp_path: Path) -> None:
    if not jail.landlock_abi():
        pytest.skip("landlock is not available on this kernel")
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    dev = tmp_path / "dev" / "nvidia0"          # a stand-in GPU: the null device's numbers
    dev.parent.mkdir()
    os.mknod(dev, 0o666 | 0o020000, os.makedev(1, 3))
    code = f"open({str(dev)!r}, 'wb').write(b'x'); print('wrote')"
    granted = _jail(tmp_path, code, [str(dev)])
    assert granted.returncode == 0 and "wrote" in granted.stdout, granted.stderr
    refused = _jail(tmp_path, code, [])
    assert refused.returncode != 0 and "Permission denied" in refused.stderr


async def test_gpu_spec_through_the_real_sandbox(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "s.py").write_text(textwrap.dedent("""
        import os, resource
        print(os.environ["CUDA_VISIBLE_DEVICES"], os.environ["OMP_NUM_THREADS"])
        print(resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY,
              resource.getrlimit(resource.RLIMIT_DATA)[0] // (1024 * 1024))
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(32)]   # 2 GB, past 768 MB
        print("allocated everything")
    """))
    res = await SandboxExecutor().run(ExecSpec(["python", "s.py"], ws, timeout_s=20,
                                               memory_mb=768, gpus=1, cpus=3))
    lines = res.stdout.splitlines()
    assert lines[:2] == ["0 3", "True 768"], res.stderr
    assert "allocated everything" not in res.stdout      # RLIMIT_DATA still bounds memory
    assert res.status in ("failed", "killed") and "memory" in res.reason
    assert "RLIMIT_DATA" in res.sandbox["limits"] and "RLIMIT_AS" not in res.sandbox["limits"]
    assert res.sandbox["gpu"].startswith("CUDA_VISIBLE_DEVICES=0")
    assert res.resources["gpus"] == 1 and res.resources["cpus"] == 3
