"""The committed static/build/ is exactly what `make assets` builds from frontend/ and package.json."""

import filecmp
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right)
    found = [f"seulement dans {left.name}: {name}" for name in comparison.left_only]
    found += [f"absent de {left.name}: {name}" for name in comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"différent: {name}" for name in mismatch + errors]
    for name in comparison.common_dirs:
        found += _differences(left / name, right / name)
    return found


def test_the_committed_build_is_what_the_sources_give(tmp_path):
    node = shutil.which("node")
    assert node, "node est nécessaire pour vérifier static/build (make test l'installe)"
    out = tmp_path / "build"
    subprocess.run([node, "frontend/build.mjs", "--out", str(out)], cwd=ROOT, check=True)
    assert _differences(ROOT / "static" / "build", out) == [], "lancer `make assets` et committer static/build"
