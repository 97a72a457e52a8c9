"""scripts/system-deps.sh waits for another apt's lock instead of failing, and updates the lists first."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-deps.sh"

# A stand-in for apt-get that logs its arguments and answers the first two calls the way apt-get
# does while another process holds /var/lib/apt/lists/lock (seen on Debian's apt 2.6, which
# ignores DPkg::Lock::Timeout for that lock).
FAKE_APT = """#!/bin/sh
echo "$*" >> "$LOG"
n=$(wc -l < "$LOG")
if [ "$n" -le 2 ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
exit 0
"""


def _run(tmp_path: Path, fake: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    apt = tmp_path / "apt-get"
    apt.write_text(fake, encoding="utf-8")
    apt.chmod(0o755)
    log = tmp_path / "apt.log"
    env = {
        **os.environ,
        "APT_GET": str(apt),
        "LOG": str(log),
        "LOCK_POLL": "0",
        "SYSTEM_DEPS_MISSING": " chromium fonts-noto-cjk",
    }
    if os.getuid() != 0:  # the script prefixes sudo when not root; the fake needs none
        env["PATH"] = f"{tmp_path}:{env['PATH']}"
        (tmp_path / "sudo").write_text('#!/bin/sh\nexec "$@"\n', encoding="utf-8")
        (tmp_path / "sudo").chmod(0o755)
    result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    return result, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_waits_for_the_apt_lock_then_updates_before_installing(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, FAKE_APT)
    assert result.returncode == 0, result.stderr
    assert "waiting" in result.stderr
    # Two refused updates, the update that got the lock, then the install; every call waits for dpkg's lock.
    update = "-o DPkg::Lock::Timeout=600 update -qq"
    assert calls == [update] * 3 + ["-o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-noto-cjk"]


def test_another_failure_is_not_retried(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, '#!/bin/sh\necho "$*" >> "$LOG"\necho "E: no network" >&2\nexit 100\n')
    assert result.returncode != 0
    assert "E: no network" in result.stderr
    assert len(calls) == 1
