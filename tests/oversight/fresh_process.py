"""Settings as a fresh interpreter reads them, from nothing but the variables a test gives."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def settings_in_a_fresh_process(
    tmp_path: Path, code: str, cleared: set[str], **environment: str
) -> subprocess.CompletedProcess:
    """Run `code` after `django.setup()` in a new interpreter, with an empty `.env`, the
    `cleared` variables taken out of this process's environment, and `environment` added."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    clean = {name: value for name, value in os.environ.items() if name not in cleared}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            "ENV_FILE": str(empty_env_file),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
