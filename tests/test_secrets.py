"""No secret in the repository: keys, tokens, passwords and secret keys written in files."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Files that hold secrets by nature, whatever they contain.
SECRET_FILES = re.compile(
    r"(^|/)(\.env(\..*)?|.*\.pem|.*\.key|.*\.p12|.*\.pfx|id_rsa|id_ed25519|\.htpasswd|\.netrc|\.pgpass"
    r"|secret_key|.*\.sqlite3?|.*\.db)$"
)
SECRET_TEXT = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "cloud access key": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "forge token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,})\b"),
    "chat token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "package registry token": re.compile(r"\b(pypi-AgE|npm_)[A-Za-z0-9_-]{30,}"),
    "secret key literal": re.compile(r"""SECRET_KEY['"]?\s*[:=]\s*['"]([^'"\s]{4,})['"]"""),
    "password literal": re.compile(r"""(?i)\b(?:mail_)?pass(?:word|wd)?['"]?\s*[:=]\s*['"]([^'"\s{}<>]{6,})['"]"""),
    "credentials in an address": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s@'\"]{3,})@"),
}
# The obviously fake values of the tests and of the documentation.
FAKE = re.compile(
    r"(?i)^(test|essai|faux|fausse|x+|secret|motdepasse|mot-de-passe|changeme|change-me|cle-de-|password|"
    r"example|dummy|placeholder|\*+|\.\.\.|…|\$|<|%|\{)"
)
# Where fake credentials belong: the tests (fixtures), the demonstration's documented password.
FIXTURES = ("tests/", "benchmarks/")


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in listed.stdout.decode().split("\0") if name]


def findings_in(name: str, text: str) -> list[str]:
    found = []
    for label, pattern in SECRET_TEXT.items():
        for match in pattern.finditer(text):
            value = match.group(1) if pattern.groups else match.group(0)
            if label in ("secret key literal", "password literal", "credentials in an address"):
                if FAKE.match(value) or name.startswith(FIXTURES):
                    continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {label}")
    return found


def test_no_secret_file_is_tracked():
    assert [name for name in tracked_files() if SECRET_FILES.search(name)] == []


def test_no_secret_is_written_in_a_tracked_file():
    found = []
    for name in tracked_files():
        if name == "tests/test_secrets.py":
            continue
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts, PDFs
        found += findings_in(name, text)
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n",
        "SECRET_KEY = 'k3Y-vraiment-secrete'",
        'MAIL_PASSWORD = "Zu8pQ2x9w"',
        "DATABASE_URL=postgresql://groupes:Zu8pQ2x9w@db.interne/groupes",
        "token: ghp_" + "a1B2c3D4" * 5,
    ],
)
def test_the_scan_finds_a_planted_secret(text):
    assert findings_in("groupes/config.py", text) != []


def test_the_scan_lets_fake_values_of_the_documentation_pass():
    assert findings_in("README.md", "GROUPES_SECRET_KEY='...' DATABASE_URL=postgresql://user:password@host/db") == []
