"""The README and docs/ document what the code does: tables stay in sync, commands are listed, links work."""

import re
import unicodedata
from pathlib import Path

import click
from click.testing import CliRunner
from conftest import ROOT

from bilingual.cli import main
from bilingual.settings import settings_markdown

README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
CLI_DOC = ROOT / "docs" / "cli.md"

# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def command_names() -> list[str]:
    """Every command and subcommand of `bilingual`, as typed after it (`export`, `model convert`)."""
    names = []
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.commands]
        else:
            names.append(name)
    return names


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading counts by its text
    text = text.replace("`", "").strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The heading anchors of a markdown file, with GitHub's -1, -2 ... for repeated headings."""
    seen: dict[str, int] = {}
    out = set()
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    for heading in _HEADING.findall(text):
        slug = github_slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def relative_links(path: Path) -> list[str]:
    """The link targets of a markdown file that are not web addresses, code blocks left out."""
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code is not a link
    return [t for t in _LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def test_settings_table_matches_the_declared_settings():
    assert settings_markdown() in README


def test_every_command_is_in_the_command_table():
    for name in command_names():
        assert f"`bilingual {name}" in README, name
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0


def test_the_two_commands_come_first():
    assert README.index("make run") < README.index("## Command line")
    assert README.index("make test") < README.index("## Command line")


def test_the_readme_is_short():
    assert len(README.splitlines()) <= 200


def test_the_cli_page_covers_every_command():
    text = CLI_DOC.read_text(encoding="utf-8")
    for name in command_names():
        assert f"bilingual {name}" in text, name


def test_every_relative_link_points_at_something_that_exists():
    assert DOCS, "docs/*.md"
    problems = []
    for page in [README_PATH, *DOCS]:
        for target in relative_links(page):
            file_part, _, anchor = target.partition("#")
            linked = (page.parent / file_part).resolve() if file_part else page
            where = f"{page.relative_to(ROOT)}: {target}"
            if not linked.exists():
                problems.append(f"{where} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{where} (no such heading)")
    assert not problems, problems


def test_the_slugs_follow_github():
    assert github_slug("Alignment speed and memory") == "alignment-speed-and-memory"
    assert github_slug("`bilingual align-files`") == "bilingual-align-files"
    assert github_slug("How it aligns (`src/bilingual/align/`)") == "how-it-aligns-srcbilingualalign"
    assert github_slug("Fields (in this order, XLIFF apart)") == "fields-in-this-order-xliff-apart"


def test_the_package_map_names_every_module():
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "bilingual"
    modules = [path for path in package.rglob("*.py") if path.name != "__init__.py"]
    assert [str(path.relative_to(package)) for path in modules if path.name not in architecture] == []
