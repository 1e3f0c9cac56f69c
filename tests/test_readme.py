"""The README documents what the code does: generated tables stay in sync, every command is listed."""

from click.testing import CliRunner
from conftest import ROOT

from bilingual.cli import main
from bilingual.settings import settings_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_settings_table_matches_the_declared_settings():
    assert settings_markdown() in README


def test_every_command_is_in_the_command_table():
    names = list(main.commands)
    names += [f"model {sub}" for sub in main.commands["model"].commands]
    for name in names:
        if name == "model":
            continue
        assert f"`bilingual {name}" in README, name
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0


def test_the_two_commands_come_first():
    assert README.index("make run") < README.index("## Command line")
    assert README.index("make test") < README.index("## Command line")
