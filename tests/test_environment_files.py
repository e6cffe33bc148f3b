"""The setup: pinned versions, environment.yml in sync with pyproject.toml, the two-command quick start."""

import re
import tomllib

import yaml
from helpers import ROOT


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version
    return out


def declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [
        d for extra in ("notebooks", "dev") for d in project["optional-dependencies"][extra]
    ]
    return [re.split(r"[<>=!~ \[;]", d)[0].lower() for d in deps]


def test_every_declared_dependency_is_pinned():
    assert not [name for name in declared() if name not in pins()]


def test_environment_yml_matches_pyproject_and_the_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
        else:
            name, _, version = dep.partition("=")
            conda[name] = version
    assert conda.pop("python") == "3.11" and "pip" in conda
    conda.pop("pip")
    # packages conda-forge does not carry are pinned in the pip section, with the same version
    from_pip = dict(line.split("==") for line in pip_section if "==" in line)
    assert sorted([*conda, *from_pip]) == sorted(declared())
    assert {**conda, **from_pip} == {name: pins()[name] for name in [*conda, *from_pip]}
    assert pip_section[-1] == '-e ".[notebooks,dev]"'  # the package itself, with its extras


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def test_package_metadata_for_scholars():
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["title"].startswith("themes")
    assert "How to cite" in (ROOT / "README.md").read_text()
    assert "non-commercial scholarly analysis" in (ROOT / "data" / "README.md").read_text()
