"""Health checks behind `bilingual doctor`: the store, the translation model, the embedder, free disk, threads.

Every check returns :class:`Check` results (ok, warning or problem, one line of detail, what to do) and
changes nothing: the store is opened read-only, no model is downloaded, and the translation model's
weights are loaded only when asked for. The functions named ``*_check`` are pure: they judge values
handed to them, so their thresholds are tested without building the situation on disk.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.settings import SETTINGS, setting_value
from bilingual.store.dialect import is_url, safe_url
from bilingual.store.inspect import integrity_messages, open_read_only, read_only_store, team_store_state
from bilingual.store.schema import APPLICATION_ID, MIGRATIONS, expected_shape, read_state, state_problem
from bilingual.store.types import StoreError, repair

OK, WARNING, PROBLEM = "ok", "warning", "problem"
LOW_DISK = 200 * 2**20  # below this a translate or export run can fail half-way
TIGHT_DISK = 2**30
LARGE_WAL = 256 * 2**20
TEST_SENTENCE = "Mødet blev holdt i København i går."


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, ok/warning/problem, one line of detail, and what to do about it."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        """The finding as one output line."""
        return f"{self.status:<8} {self.name:<12} {_one_line(self.detail)}"

    def fix_line(self) -> str:
        """What to do, as one line."""
        return f"{self.name}: {_one_line(self.fix)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def human_size(n: float) -> str:
    """A byte count for people: 1.5 MB, 20.0 GB."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


# -- the store


def check_store(path: str | Path) -> list[Check]:
    """The store file: there, a bilingual store, intact, of the newest schema; its counts and WAL."""
    if is_url(path):
        return check_team_store(str(path))
    path = Path(path)
    where = f"--db {path}"
    if str(path) == ":memory:":
        return [Check("store", WARNING, "an in-memory store: nothing is kept between commands",
                      "point --db / BILINGUAL_DB at a file")]
    if not path.exists():
        return [Check("store", PROBLEM, f"no store at {path}",
                      f"make one with `bilingual add FILES {where}` (or `bilingual translate FILES {where}`), "
                      "or point --db / BILINGUAL_DB at your store")]
    if not path.is_file():
        return [Check("store", PROBLEM, f"{path} is a folder, not a store file", "point --db at the store file")]
    size = path.stat().st_size
    if size == 0:
        return [Check("store", PROBLEM, f"{path} is an empty file, not a store yet",
                      f"`bilingual add FILES {where}` makes it a store, or point --db at your store")]
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        return [Check("store", PROBLEM, f"cannot open {path}: {exc}", "check the file's and its folder's permissions")]
    try:
        checks = _store_checks(conn, path)
    except sqlite3.Error as exc:
        return [_database_error(path, exc)]
    finally:
        conn.close()
    return [Check("store", OK, f"{path} ({human_size(size)})"), *checks, wal_check(path)]


def _database_error(path: Path, exc: sqlite3.Error) -> Check:
    message = str(exc)
    if "not a database" in message:
        return Check("store", PROBLEM, f"{path} is not an SQLite database, so not a bilingual store",
                     "point --db / BILINGUAL_DB at your store; this file was left as it is")
    if "malformed" in message or "corrupt" in message:
        return Check("store", PROBLEM, f"{path} is damaged ({message})", repair(path))
    if "locked" in message or "busy" in message:
        return Check("store", WARNING, f"{path} is busy ({message})",
                     "another bilingual command is writing to it: run doctor again when it has finished")
    return Check("store", PROBLEM, f"cannot read {path} ({message})", "check the file's and its folder's permissions")


def _store_checks(conn: sqlite3.Connection, path: Path) -> list[Check]:
    state = read_state(conn)  # the first read: a file that is not a database fails here
    identity = application_check(state.application_id, sorted(state.shape))
    if identity.status == PROBLEM:
        return [identity]
    integrity = integrity_check(integrity_messages(conn), path)
    missing = missing_parts(state.shape, state.version)
    refused = state_problem(state, path, create=False)
    if refused and not missing and state.version <= len(MIGRATIONS):
        # What the store itself refuses that the version alone does not show, such as a version number set back.
        detail, _, fix = refused.partition(": ")
        schema = Check("schema", PROBLEM, detail, fix)
    else:
        schema = schema_check(state.version, len(MIGRATIONS), missing, path)
    checks = [identity, integrity, schema]
    if schema.status == OK and integrity.status == OK:
        checks.append(contents_check(read_only_store(conn, path).stats()))
    return checks


def check_team_store(url: str) -> list[Check]:
    """A PostgreSQL store: reachable, a bilingual store of the newest schema; its counts (read-only)."""
    try:
        state, counts = team_store_state(url)
    except StoreError as exc:
        detail, _, fix = str(exc).partition(": check")
        return [Check("store", PROBLEM, detail, f"check{fix}" if fix else "see docs/team.md")]
    checks = [Check("store", OK, f"{safe_url(url)} (PostgreSQL)")]
    if problem := state_problem(state, url, create=False):
        detail, _, fix = problem.partition(": ")
        return [*checks, Check("schema", PROBLEM, detail, fix)]
    newest = len(MIGRATIONS)
    if state.version < newest:
        checks.append(Check("schema", PROBLEM, f"version {state.version}, the newest is {newest}",
                            "upgrade it: back it up with pg_dump (docs/team.md), then the next command that opens "
                            f"it (such as `bilingual stats --db {safe_url(url)}`) migrates it in one transaction"))
    else:
        checks.append(Check("schema", OK, f"version {state.version} (the newest)"))
    if counts is not None:
        checks.append(contents_check(counts))
    return checks


def missing_parts(shape: dict[str, set[str]], version: int) -> list[str]:
    """The tables (``name``) and columns (``table.column``) a store of its version lacks."""
    if not 0 < version <= len(MIGRATIONS):
        return []
    missing = []
    for table, columns in sorted(expected_shape(version).items()):
        if table not in shape:
            missing.append(table)
        else:
            missing += [f"{table}.{c}" for c in sorted(columns - shape[table])]
    return missing


def application_check(application_id: int, tables: list[str]) -> Check:
    """Whether a database is a bilingual store, by its application id (older stores: by their tables)."""
    if application_id == APPLICATION_ID:
        return Check("application", OK, f"a bilingual store (application id {APPLICATION_ID:#010x})")
    if application_id == 0 and {"documents", "segments", "translations"} <= set(tables):
        return Check("application", OK, "a bilingual store made before stores carried an application id "
                                        "(the next command that opens it sets one)")
    if application_id:
        what = f"the database of another application (application id {application_id:#010x})"
    elif tables:
        listed = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
        what = f"an SQLite database of another application (tables: {listed})"
    else:
        what = "an SQLite database with no tables"
    return Check("application", PROBLEM, f"not a bilingual store: {what}",
                 "point --db / BILINGUAL_DB at your store; bilingual never writes to this file")


def integrity_check(messages: list[str], path: Path) -> Check:
    """The verdict of ``PRAGMA integrity_check``."""
    if messages == ["ok"]:
        return Check("integrity", OK, "PRAGMA integrity_check: ok")
    shown = "; ".join(messages[:3]) + (f" (and {len(messages) - 3} more)" if len(messages) > 3 else "")
    return Check("integrity", PROBLEM, f"the store is damaged: {shown}", repair(path))


def schema_check(version: int, newest: int, missing: list[str], path: Path) -> Check:
    """The schema version recorded in the store against the newest this bilingual knows, and its parts."""
    if version > newest:
        return Check("schema", PROBLEM, f"version {version}, newer than this bilingual's newest ({newest})",
                     "upgrade bilingual (a newer version made this store); an older one must not write to it")
    if missing:
        return Check("schema", PROBLEM, f"version {version}, but the store lacks: {', '.join(missing)}",
                     repair(path))
    if version < newest:
        return Check("schema", PROBLEM, f"version {version}, the newest is {newest}",
                     f"upgrade it: the next command that opens it (such as `bilingual stats --db {path}`) checks "
                     f"its integrity, keeps a copy beside it ({path.name}.v{version}.bak) and migrates it")
    return Check("schema", OK, f"version {version} (the newest)")


def contents_check(counts: dict[str, int]) -> Check:
    """What the store holds (``Store.stats``)."""
    return Check("contents", OK,
                 f"{counts['documents']} documents ({counts['danish documents']} Danish, "
                 f"{counts['english documents']} English), {counts['segments']} sentences, "
                 f"{counts['translated']} of {counts['danish segments']} Danish sentences translated, "
                 f"{counts['reviewed']} reviewed, {counts['alignments']} alignments")


def wal_check(path: Path, *, large: int = LARGE_WAL) -> Check:
    """The size of the store's write-ahead log: large means it has not been folded into the store for long."""
    wal = Path(f"{path}-wal")
    if not wal.is_file():
        return Check("wal", OK, "no WAL file (every commit is in the store file)")
    size = wal.stat().st_size
    if size > large:
        return Check("wal", WARNING, f"{wal.name} holds {human_size(size)}",
                     "close the review app and other commands on this store: the last one to close folds the WAL "
                     "into the store (never delete the -wal file by hand: it holds commits)")
    return Check("wal", OK, f"{wal.name}: {human_size(size)}")


# -- the translation model


def check_model(model: str | None = None, *, load: bool = False) -> list[Check]:
    """The translation model: found on this machine, complete, its engine and length limits; ``load`` runs it."""
    from bilingual.translate import (
        TOKENIZER_FILES,
        describe_model,
        find_model_folder,
        is_ct2_folder,
        marian_folder_problems,
        resolve_model,
    )

    model_id = resolve_model(model)
    folder = find_model_folder(model_id)
    if folder is None:
        return [Check("model", PROBLEM, f"translation model {model_id!r} is not on this machine",
                      str(describe_model(model_id)["how to get it"]))]
    ct2 = is_ct2_folder(folder)
    kind = "a CTranslate2 model" if ct2 else "a Marian model"
    named = "" if Path(model_id).expanduser() == folder else f"{model_id}: "
    checks = [Check("model", OK, f"{named}{kind} in {folder}")]
    lacking = [n for n in TOKENIZER_FILES if not (folder / n).is_file()] if ct2 else marian_folder_problems(folder)
    if lacking:
        checks.append(Check("model files", PROBLEM, f"{folder} lacks {', '.join(lacking)}",
                            f"get the model again (`bilingual model download {model_id}` for a hub id) or pass "
                            "--model PATH to a complete folder"))
        return checks
    checks.append(Check("model files", OK, "config, weights and tokenizer present"))
    checks.append(_engine_check(model_id, ct2))
    checks.append(limits_check(*_model_configs(folder, ct2), folder))
    if load:
        checks.append(_load_check(model_id))
    return checks


def _engine_check(model_id: str, ct2: bool) -> Check:
    from bilingual.translate import ModelNotFoundError, pick_backend

    try:
        name, converted = pick_backend(model_id, revision=setting_value("revision"))
    except (ModelNotFoundError, ValueError) as exc:
        return Check("engine", PROBLEM, str(exc).split(". To fix: ")[0],
                     str(exc).split("To fix: ", 1)[-1] if "To fix: " in str(exc) else "set --backend / "
                     "BILINGUAL_BACKEND to auto, ct2 or transformers")
    if name == "ct2":
        return Check("engine", OK, f"ct2 (CTranslate2) with {converted}")
    hint = "" if ct2 else f"; `bilingual model convert {model_id}` makes the faster ct2 engine available"
    return Check("engine", OK, f"transformers{hint}")


def _model_configs(folder: Path, ct2: bool) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    from bilingual.translate import CONVERSION_INFO
    from bilingual.translate.models import _read_json

    # A CTranslate2 folder's config.json is CTranslate2's own; the model's position limit is in its conversion info.
    config = ({"max_position_embeddings": _read_json(folder / CONVERSION_INFO).get("max_position_embeddings")}
              if ct2 else _read_json(folder / "config.json"))
    return config, _read_json(folder / "generation_config.json"), _read_json(folder / "tokenizer_config.json")


def limits_check(config: dict[str, Any], generation: dict[str, Any], tokenizer_config: dict[str, Any],
                 folder: Path) -> Check:
    """A model's input and output length limits, as both engines apply them; a config without one is flagged."""
    from bilingual.translate import model_limits
    from bilingual.translate.engine import describe_output_limit

    limits = model_limits(config, generation, tokenizer_config)
    beams = f"{limits.beams} beam" + ("s" if limits.beams != 1 else "")
    detail = (f"input up to {limits.max_input_tokens} tokens (longer sentences are split), "
              f"output {describe_output_limit(limits)}, {beams}")
    if not any(source.get(key) for source in (generation, config) for key in ("max_length", "max_new_tokens")):
        return Check("limits", WARNING, f"the model's config sets no max_length: {detail}",
                     f"set \"max_length\" in {folder / 'generation_config.json'} to the longest output the model "
                     "should give, so that outputs are limited by the model rather than by bilingual's default")
    return Check("limits", OK, detail)


def _load_check(model_id: str) -> Check:
    import logging

    from bilingual.translate import load_translator

    # The engine logs outputs that reach the length limit; here that is part of this check's one line instead.
    engine_log = logging.getLogger("bilingual.translate")
    was_disabled, engine_log.disabled = engine_log.disabled, True
    try:
        translator = load_translator(model_id)
        output = translator.translate([TEST_SENTENCE])[0]
    except Exception as exc:  # any failure here means "this model does not run here", whatever raised it
        return Check("load", PROBLEM, f"the model did not run: {type(exc).__name__}: {str(exc)[:300]}",
                     "get the model again, or pass --model PATH to a working folder")
    finally:
        engine_log.disabled = was_disabled
    detail = f"weights loaded ({translator.signature['backend']}); a test sentence gave {len(output.split())} words"
    if cut := getattr(translator, "cut_short", None):
        return Check("load", WARNING, f"{detail}, stopped by the output limit ({getattr(cut[0], 'limit', '?')} "
                                      "tokens) before the model ended it",
                     "a trained model ends a short sentence well within its limit: check that this is the model "
                     "you mean (random or damaged weights never end), or raise max_length in its generation config")
    return Check("load", OK, detail)


# -- the sentence embedder


def check_embedder(name: str | None = None) -> list[Check]:
    """The sentence-embedding model alignment needs: on this machine and loadable without the network."""
    from bilingual.align import embed, load_embedder

    name = str(setting_value("embedder", name))
    if not _embedder_on_this_machine(name):
        return [Check("embedder", PROBLEM, f"sentence-embedding model {name!r} is not on this machine",
                      "pass --embedder PATH (or set BILINGUAL_EMBEDDER) to a sentence-transformers folder, or leave "
                      f"the default ({SETTINGS['embedder'].default}, shipped with bilingual)")]
    try:
        dimensions = embed([TEST_SENTENCE], load_embedder(name)).shape[1]
    except RuntimeError as exc:
        return [Check("embedder", PROBLEM, str(exc).split("; pass --embedder")[0],
                      "pass --embedder PATH to a sentence-transformers folder, or leave the default")]
    return [Check("embedder", OK, f"{name} loaded, a test sentence embedded ({dimensions} dimensions)")]


def _embedder_on_this_machine(name: str) -> bool:
    from bilingual.align.embedding import _PACKAGED_NAMES

    if name.lower() in _PACKAGED_NAMES or Path(name).expanduser().exists():
        return True
    if name.startswith((".", "/", "~")):
        return False
    from huggingface_hub import try_to_load_from_cache

    # Looked up in the cache only, so that doctor never starts a download.
    ids = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    try:
        return any(isinstance(try_to_load_from_cache(i, "config.json"), str) for i in ids)
    except ValueError:  # not a valid hub id
        return False


# -- the machine


def check_disk(path: str | Path) -> list[Check]:
    """Free space where the store lives."""
    folder = Path(path).expanduser().resolve().parent
    while not folder.exists():
        folder = folder.parent
    return [disk_check(shutil.disk_usage(folder).free, folder)]


def disk_check(free: int, folder: Path, *, low: int = LOW_DISK, tight: int = TIGHT_DISK) -> Check:
    """Free disk space: a problem below ``low``, a warning below ``tight``."""
    detail = f"{human_size(free)} free in {folder}"
    if free < low:
        return Check("disk", PROBLEM, detail, f"free space there (at least {human_size(tight)}) before translating "
                                              "or exporting, or put the store elsewhere with --db")
    if free < tight:
        return Check("disk", WARNING, detail, "a large translate or export run may run out of space: free some")
    return Check("disk", OK, detail)


def check_threads() -> list[Check]:
    """The translation thread setting against the cores this process may use."""
    from bilingual.translate import available_cores, thread_count

    spec = SETTINGS["threads"]
    cores = available_cores()
    try:
        threads = thread_count()
    except ValueError:
        return [Check("threads", PROBLEM, f"{spec.env}={os.environ.get(spec.env, '')!r} is not a number",
                      f"set {spec.env} to a number of threads (at most {cores}) or unset it")]
    return [threads_check(threads, cores, spec.env if os.environ.get(spec.env) else "the available cores")]


def threads_check(threads: int, cores: int, source: str) -> Check:
    """Threads for translation against the available cores: more than the cores only slows it down."""
    detail = f"{threads} translation threads ({source}), {cores} cores available"
    if threads > cores:
        return Check("threads", WARNING, detail,
                     f"set BILINGUAL_THREADS (or --threads) to at most {cores}, or unset it: extra threads compete "
                     "for the same cores")
    return Check("threads", OK, detail)


# -- all of it


def run_checks(db: str | Path | None = None, model: str | None = None, embedder: str | None = None, *,
               load: bool = False) -> list[Check]:
    """Every check, in the order doctor prints them; a check that itself fails is reported as a problem."""
    location = str(setting_value("db", db))
    path = Path(location)
    groups: list[tuple[str, Callable[[], list[Check]]]] = [
        ("store", lambda: check_store(location)),
        ("model", lambda: check_model(model, load=load)),
        ("embedder", lambda: check_embedder(embedder)),
        ("disk", lambda: check_disk(path) if location != ":memory:" and not is_url(location) else []),
        ("threads", check_threads),
    ]
    checks: list[Check] = []
    for name, run in groups:
        try:
            checks += run()
        except Exception as exc:  # doctor reports what it could not check instead of stopping at it
            checks.append(Check(name, PROBLEM, f"could not be checked: {type(exc).__name__}: {str(exc)[:300]}",
                                "run the command that uses it to see the full error"))
    return checks
