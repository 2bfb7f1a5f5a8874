"""Run a Python script (``python bench/peak.py OUT script.py args…``) and write its process's peak memory in KB
to OUT when it ends: VmHWM of /proc/self/status, the high-water mark of this program's own memory.

Not ``ru_maxrss`` (``getrusage``, ``wait4``): Linux carries it over ``fork`` and ``execve``, so a child started
by a large parent reports the parent's size (the benchmark's parent holds a million cases' pages and files)."""
from __future__ import annotations

import atexit
import resource
import runpy
import sys


def peak_kb() -> int:
    """This process's peak resident memory in KB since it was started by execve."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # elsewhere: the best there is


def main() -> None:
    out, script, *args = sys.argv[1:]

    def write() -> None:
        with open(out, "w") as handle:
            handle.write(str(peak_kb()))

    atexit.register(write)
    sys.argv = [script, *args]
    sys.path.insert(0, ".")
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
