"""pyproject.toml and environment.yml must describe the same environment.

pip users get the notebooks' dependencies from pyproject's extras; conda and Binder users
get them from environment.yml.  Committed notebook outputs depend on exact versions
(rich's rendering, ipywidgets' reprs), so a pin changed in one file only would make the
notebooks pass for one group and fail for the other.  The checker below compares:

* the minimum Python (``requires-python`` against ``python=`` in environment.yml);
* every requirement of the extras the notebooks and tests need (NOTEBOOK_EXTRAS) against
  environment.yml's conda dependencies, both ways, spec for spec (``==`` pins included);
* a requirement listed twice in those extras with two different specs;
* that environment.yml installs the repo itself (``pip: [-e .]``), as Binder needs.

Names are compared normalised (PEP 503: case, ``-``/``_``/``.``); conda-forge names that
differ from PyPI's go through CONDA_TO_PYPI.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

# The extras whose packages environment.yml must carry.  Not `browser` (playwright is
# only for the browser tests) nor `dev` (it just names the others, plus ruff).
NOTEBOOK_EXTRAS = ("tools", "test", "lab", "bench", "net")

# conda-forge package name -> PyPI name, where they differ.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}

# Conda dependencies that are not Python packages from the extras.
CONDA_ONLY = {"python", "pip"}

_CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def normalise(name: str) -> str:
    """PEP 503 normal form: ``PyYAML`` is ``pyyaml``, ``pytest_timeout`` is ``pytest-timeout``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def normalise_spec(spec: str) -> str:
    """``=1.2`` (conda's pin) and ``==1.2`` compare equal; spaces and order don't matter."""
    parts = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if re.match(r"^=[^=]", part):
            part = "=" + part
        elif re.match(r"^[0-9]", part):  # conda's bare version `numpy 1.2` is a pin too
            part = "==" + part
        parts.append(part)
    return ",".join(sorted(parts))


def pyproject_requirements(pyproject: dict) -> tuple[dict[str, str], list[str]]:
    """{normalised name: spec} over NOTEBOOK_EXTRAS, and problems found on the way."""
    extras = pyproject.get("project", {}).get("optional-dependencies", {})
    project_name = normalise(pyproject.get("project", {}).get("name", ""))
    specs: dict[str, str] = {}
    problems = []
    for extra in NOTEBOOK_EXTRAS:
        if extra not in extras:
            problems.append(f"pyproject.toml: extra {extra!r} is missing")
            continue
        for line in extras[extra]:
            req = Requirement(line)
            name = normalise(req.name)
            if name == project_name:  # a self-reference like toyloop[tools]
                continue
            spec = normalise_spec(str(req.specifier))
            if name in specs and specs[name] != spec:
                problems.append(
                    f"pyproject.toml: {name} has two specs, {specs[name]!r} and {spec!r}"
                )
            specs.setdefault(name, spec)
    return specs, problems


def environment_requirements(env: dict) -> tuple[dict[str, str], list[str], list[str]]:
    """{normalised PyPI name: spec} of the conda deps, the pip: lines, and problems."""
    specs: dict[str, str] = {}
    pip_lines: list[str] = []
    problems = []
    for dep in env.get("dependencies") or []:
        if isinstance(dep, dict):
            pip_lines.extend(str(line) for line in dep.get("pip") or [])
            continue
        match = _CONDA_SPEC.match(str(dep))
        if not match:
            problems.append(f"environment.yml: cannot read dependency {dep!r}")
            continue
        conda_name, spec = match.groups()
        name = normalise(CONDA_TO_PYPI.get(conda_name, conda_name))
        if name in specs:
            problems.append(f"environment.yml: {name} is listed twice")
        specs[name] = normalise_spec(spec)
    return specs, pip_lines, problems


def python_minimum(requires_python: str) -> str | None:
    """'3.11' from '>=3.11' (or '>=3.11.0'); None when there is no lower bound."""
    match = re.search(r">=\s*(\d+)\.(\d+)", requires_python or "")
    return f"{match[1]}.{match[2]}" if match else None


def compare(pyproject: dict, env: dict) -> list[str]:
    """Every way the two files disagree, one sentence each; empty when they agree."""
    problems = []
    wanted, found = pyproject_requirements(pyproject)
    problems += found
    have, pip_lines, found = environment_requirements(env)
    problems += found

    py_min = python_minimum(pyproject.get("project", {}).get("requires-python", ""))
    env_python = have.get("python", "").lstrip("=")
    if py_min is None:
        problems.append("pyproject.toml: requires-python has no '>=' minimum")
    elif env_python != py_min:
        problems.append(
            f"python: pyproject.toml requires >={py_min}, environment.yml has "
            f"python={env_python or '(missing)'}"
        )
    if "pip" not in have:
        problems.append("environment.yml: 'pip' is missing (needed for the pip: section)")
    if not any(re.fullmatch(r"(-e\s+)?\.(\[[^\]]*\])?", line.strip()) for line in pip_lines):
        problems.append("environment.yml: pip: section must install the repo ('-e .')")

    for name, spec in sorted(wanted.items()):
        if name not in have:
            problems.append(f"{name}: in pyproject.toml ({spec or 'any'}), not in environment.yml")
        elif have[name] != spec:
            problems.append(
                f"{name}: pyproject.toml has {spec or 'any'!r}, environment.yml has "
                f"{have[name] or 'any'!r}"
            )
    for name, spec in sorted(have.items()):
        if name not in wanted and name not in CONDA_ONLY:
            problems.append(f"{name}: in environment.yml ({spec or 'any'}), not in pyproject.toml")
    return problems


def load_pair(root: Path = ROOT) -> tuple[dict, dict]:
    with open(root / "pyproject.toml", "rb") as f:
        pyproject = tomllib.load(f)
    with open(root / "environment.yml", encoding="utf-8") as f:
        env = yaml.safe_load(f)
    return pyproject, env


# -- the real files ------------------------------------------------------------------------


def test_pyproject_and_environment_agree():
    pyproject, env = load_pair()
    assert compare(pyproject, env) == []


def test_notebook_output_packages_are_pinned_exactly():
    """The packages whose versions show in committed outputs are pinned with `==`."""
    pyproject, _ = load_pair()
    wanted, _ = pyproject_requirements(pyproject)
    must_pin = ["rich", "ipywidgets", "jupyterlab", "nbval", "ipykernel", "matplotlib"]
    unpinned = [n for n in must_pin if not wanted.get(n, "").startswith("==")]
    assert unpinned == []


def test_core_has_no_runtime_dependencies():
    pyproject, _ = load_pair()
    assert pyproject["project"].get("dependencies", []) == []


def test_dev_extra_pulls_in_every_other_extra():
    pyproject, _ = load_pair()
    extras = pyproject["project"]["optional-dependencies"]
    dev_extras = set()
    for line in extras["dev"]:
        req = Requirement(line)
        if normalise(req.name) == "toyloop":
            dev_extras |= req.extras
    assert dev_extras == set(extras) - {"dev"}


def test_ruff_targets_the_minimum_python():
    pyproject, _ = load_pair()
    py_min = python_minimum(pyproject["project"]["requires-python"])
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + py_min.replace(".", "")


# -- the checker itself can fail ---------------------------------------------------------------

GOOD_PYPROJECT = """
[project]
name = "toyloop"
requires-python = ">=3.11"
[project.optional-dependencies]
tools = ["rich==15.0.0", "ipywidgets==8.1.9"]
test = ["pytest>=8.0", "PyYAML>=6.0", "rich==15.0.0", "toyloop[tools]"]
lab = ["jupyterlab==4.6.6"]
bench = ["matplotlib==3.11.2"]
net = []
browser = ["playwright>=1.40"]
"""

GOOD_ENV = """
channels: [conda-forge]
dependencies:
  - python=3.11
  - pip
  - rich=15.0.0
  - ipywidgets==8.1.9
  - pytest >=8.0
  - pyyaml>=6.0
  - jupyterlab==4.6.6
  - matplotlib-base==3.11.2
  - pip:
      - -e .
"""


def _pair(pyproject_text: str, env_text: str) -> tuple[dict, dict]:
    return tomllib.loads(pyproject_text), yaml.safe_load(env_text)


def test_checker_accepts_an_agreeing_pair():
    assert compare(*_pair(GOOD_PYPROJECT, GOOD_ENV)) == []


@pytest.mark.parametrize(
    ("pyproject_text", "env_text", "expected"),
    [
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_ENV.replace("rich=15.0.0", "rich=14.0.0"),
            "rich: pyproject.toml has '==15.0.0', environment.yml has '==14.0.0'",
            id="pin-differs",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_ENV.replace("  - jupyterlab==4.6.6\n", ""),
            "jupyterlab: in pyproject.toml (==4.6.6), not in environment.yml",
            id="missing-from-env",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_ENV + "  - numpy==2.0\n",
            "numpy: in environment.yml (==2.0), not in pyproject.toml",
            id="missing-from-pyproject",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_ENV.replace("python=3.11", "python=3.12"),
            "python: pyproject.toml requires >=3.11, environment.yml has python=3.12",
            id="python-differs",
        ),
        pytest.param(
            GOOD_PYPROJECT.replace('"pytest>=8.0"', '"pytest==8.0"'),
            GOOD_ENV,
            "pytest: pyproject.toml has '==8.0', environment.yml has '>=8.0'",
            id="pinned-only-in-pyproject",
        ),
        pytest.param(
            GOOD_PYPROJECT.replace('lab = ["jupyterlab==4.6.6"]', 'lab = ["rich==14.0.0"]'),
            GOOD_ENV.replace("  - jupyterlab==4.6.6\n", ""),
            "pyproject.toml: rich has two specs, '==15.0.0' and '==14.0.0'",
            id="two-specs-in-pyproject",
        ),
        pytest.param(
            GOOD_PYPROJECT,
            GOOD_ENV.replace("      - -e .\n", "      - requests\n"),
            "environment.yml: pip: section must install the repo ('-e .')",
            id="repo-not-installed",
        ),
    ],
)
def test_checker_reports_a_disagreeing_pair(pyproject_text, env_text, expected):
    assert compare(*_pair(pyproject_text, env_text)) == [expected]


def test_checker_ignores_extras_outside_the_notebook_set():
    """playwright (browser extra) need not be in environment.yml, but other extras must."""
    text = GOOD_PYPROJECT.replace('browser = ["playwright>=1.40"]', 'browser = ["selenium"]')
    assert compare(*_pair(text, GOOD_ENV)) == []
    missing_net = GOOD_PYPROJECT.replace("net = []\n", "")
    assert compare(*_pair(missing_net, GOOD_ENV)) == ["pyproject.toml: extra 'net' is missing"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PyYAML", "pyyaml"),
        ("pytest_timeout", "pytest-timeout"),
        ("zope.interface", "zope-interface"),
    ],
)
def test_names_are_normalised(a, b):
    assert normalise(a) == normalise(b)


# -- notebooks/sanitize.cfg (read by nbval; conftest.py passes it by absolute path) ----------

SANITIZE_FILE = ROOT / "notebooks" / "sanitize.cfg"


def _sanitizer():
    nbval_plugin = pytest.importorskip("nbval.plugin")
    text = SANITIZE_FILE.read_text(encoding="utf-8")
    patterns = nbval_plugin.get_sanitize_patterns(text)

    def sanitize(s: str) -> str:
        for regex, replace in patterns:
            s = re.sub(regex, replace, s)
        return s

    return text, patterns, sanitize


def test_sanitize_file_is_what_conftest_passes_to_nbval():
    # Load the root conftest.py by path: `import conftest` would find tests/conftest.py.
    spec = importlib.util.spec_from_file_location("_root_conftest", ROOT / "conftest.py")
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    assert root_conftest.SANITIZE_FILE == SANITIZE_FILE
    assert SANITIZE_FILE.is_file()


def test_every_sanitize_regex_is_read_by_nbval_and_compiles():
    text, patterns, _ = _sanitizer()
    # A "regex:" line not directly followed by "replace:" would be silently dropped by nbval.
    assert len(patterns) == text.count("\nregex: ")
    for regex, _replace in patterns:
        re.compile(regex)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "<Task pending coro=<main() at 0x7f3a2c1d5e80>>",
            "<Task pending coro=<main() at 0xADDRESS>>",
        ),
        (
            "/var/folders/q1/T/ipykernel_4242/27124.py:3: RuntimeWarning",
            "<cell>:3: RuntimeWarning",
        ),
        (
            "/opt/conda/envs/toyloop/lib/python3.11/site-packages/rich/x.py",
            "<site-packages>/rich/x.py",
        ),
        ("/usr/lib/python3.12/asyncio/events.py", "<stdlib>/asyncio/events.py"),
        ("/home/ann/toyloop/toyloop/ch3_selectors.py", "<repo>/toyloop/ch3_selectors.py"),
        ("('127.0.0.1', 54321) and localhost:8888", "('127.0.0.1', PORT) and localhost:PORT"),
        (
            "ThreadPoolExecutor-0_1 asyncio_3 Thread-7 (run)",
            "ThreadPoolExecutor-N_N asyncio_N Thread-N (run)",
        ),
        ("pid=1234 ident=140234567890123", "pid=<PID> ident=<TID>"),
        ("took 12.345 s", "took <duration>"),
        ("/home/ann/notes.txt and /root/.cache", "<home>/notes.txt and <home>/.cache"),
        ("SpawnProcess-1:3 ForkProcess-2", "SpawnProcess-N ForkProcess-N"),
        (
            "1.23 \u00b5s \u00b1 4.56 ns per loop (mean \u00b1 std. dev. of 7 runs, "
            "100,000 loops each)",
            "<timeit result>",
        ),
    ],
)
def test_sanitize_scrubs_what_differs_between_runs(raw, clean):
    _, _, sanitize = _sanitizer()
    assert sanitize(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        "t=1.000 s: timer fired",  # virtual-clock times are exact: keep checking them
        "flags 0x10 and 0xff",  # short hex literals are not addresses
        "Task-1 finished with 42",
        "RuntimeError: asyncio.run() cannot be called from a running event loop",
    ],
)
def test_sanitize_leaves_meaningful_output_alone(text):
    _, _, sanitize = _sanitizer()
    assert sanitize(text) == text
