"""From what a spec asks (memory, CPUs, GPUs) to what the sandbox applies, as one pure function.

Kept apart from the launcher so the mapping can be tested on a machine without a GPU: which
memory limit (RLIMIT_AS breaks CUDA, which reserves far more address space than it uses, so a
GPU job gets RLIMIT_DATA), which device files the filesystem rules open, which GPUs are visible
and how many threads BLAS / OpenMP may start.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlrtui.experiment.executor import ExecSpec

GPU_DEVICE_GLOBS = ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
                    "/dev/nvidia-modeset", "/dev/nvidia[0-9]*", "/dev/nvidia-caps", "/dev/dri",
                    "/dev/kfd"]
# What CUDA / ROCm read besides the devices: the driver's /proc entries are under /proc already.
GPU_READ = ["/sys/bus/pci", "/sys/devices", "/sys/module/nvidia", "/sys/class/drm",
            "/etc/OpenCL", "/usr/share/nvidia"]
THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"]


@dataclass(frozen=True)
class Limits:
    """What the sandbox applies for one spec (besides the isolation layers)."""

    memory_mb: int
    memory_rlimit: str                  # "RLIMIT_AS" or "RLIMIT_DATA"
    cpu_s: int
    fsize_mb: int
    nofile: int
    max_processes: int
    devices: list[str] = field(default_factory=list)     # extra device files to open
    read_paths: list[str] = field(default_factory=list)  # extra folders to read
    env: dict[str, str] = field(default_factory=dict)    # threads, visible GPUs

    def jail_limits(self, nproc: int) -> dict:
        """The resource part of the launcher's spec (`jail.set_limits` reads it)."""
        return {"memory_mb": self.memory_mb, "memory_rlimit": self.memory_rlimit,
                "cpu_s": self.cpu_s, "fsize_mb": self.fsize_mb, "nofile": self.nofile,
                "nproc": nproc}


def limits_for(spec: ExecSpec, gpu_devices: list[str] | None = None,
               allocated_gpus: str | None = None) -> Limits:
    """The limits for `spec`. Pure: the caller passes the GPU device files that exist
    (`present_gpu_devices()`) and the GPUs a scheduler allocated (Slurm sets
    CUDA_VISIBLE_DEVICES in the job), so this runs the same with or without a GPU."""
    cpus = max(1, spec.cpus)
    cpu_s = int(spec.cpu_s or spec.timeout_s * cpus) + 1
    env = {name: str(cpus) for name in THREAD_VARS}
    if spec.gpus <= 0:
        rlimit = "RLIMIT_AS" if spec.address_space_limit else "RLIMIT_DATA"
        return Limits(spec.memory_mb, rlimit, cpu_s, spec.max_file_mb, 1024,
                      spec.max_processes, env=env)
    ids = [g.strip() for g in (allocated_gpus or "").split(",") if g.strip()]
    env["CUDA_VISIBLE_DEVICES"] = ",".join(ids[:spec.gpus] or [str(i) for i in range(spec.gpus)])
    # Drivers start helper threads per device: room above the asked process count.
    return Limits(spec.memory_mb, "RLIMIT_DATA", cpu_s, spec.max_file_mb, 4096,
                  spec.max_processes + 64, devices=sorted(gpu_devices or []),
                  read_paths=list(GPU_READ), env=env)


def present_gpu_devices() -> list[str]:
    """GPU device files on this machine (none here: there is no GPU on the test machine)."""
    found: set[str] = set()
    for pattern in GPU_DEVICE_GLOBS:
        found.update(glob.glob(pattern))
    return sorted(found)


def allocated_gpus() -> str | None:
    """The GPUs a scheduler gave this process, if any (Slurm exports CUDA_VISIBLE_DEVICES)."""
    return os.environ.get("CUDA_VISIBLE_DEVICES") or os.environ.get("SLURM_JOB_GPUS") or None
