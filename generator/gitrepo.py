"""Every Git command ducha runs: the one module that starts `git`.

The rest of ducha asks questions of a repository (which commits, which
blobs, whose identity, is this an ancestor) and makes the commits of
`--commit` and `ducha init` through these functions; none of it starts a
process itself (tests/test_arch_git.py checks). Each function takes
`where`, any folder inside the repository: Git finds the top itself.

Two kinds of work, two ways of running Git:

- commands: one `git -C <where> …` process each, output read whole
  (`run`); a `git` that cannot be started is a `GitMissing`, a command
  that fails a `GitError` with Git's own message.
- blobs: one `git cat-file --batch` per call reads any number of objects
  (`read_objects`), names fed from a thread so neither pipe can fill up
  and stall the other.

The design named GitPython (`Repo.git` for commands, its persistent
`cat-file --batch` for blobs). `python benchmarks/bench_audit.py --backends`
measures both on the benchmark history (5,000 items, 30,000 commits; CPU
time, median of 5 alternating runs): reading the 30,001 item blobs 0.30 s
here against 0.51-0.59 s with GitPython (its batch answers one object at a
time), the whole `log --raw` 4.7-4.8 s both (Git's own work), 300 small
commands 0.42 s against 0.43 s, and importing GitPython costs 0.03 s more.
GitPython is nowhere faster, so it is not used.

Reading trusts nothing in the repository: `log --raw`, `cat-file` and
`rev-list` run no hook, filter or diff driver, and the free text of commits
(names, subjects, signer ids) comes after a random per-run token so it
cannot forge a record. Only `commit_paths`/`commit_all` commit, in the
user's own clone, with the user's own Git settings.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .errors import DuchaError

ZERO = "0" * 40  # the blob id of "no file" in `git log --raw`
MAX_BLOB_BYTES = 4 * 1024 * 1024  # larger blobs are not read (an item or ledger.yaml is a few KB)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # a date Git could not give


class GitError(DuchaError):
    """The folder is not in a Git repository, or Git failed (the message says which; exit status 2)."""

    def __init__(self, message: str, command: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.command = command  # the arguments after `git -C where`, when a command failed


class GitMissing(GitError):
    """The `git` program cannot be started."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"无法运行 Git（{reason}）。请先安装 Git（https://git-scm.com/），再重新运行。")
        self.reason = reason  # the system's words


def _start_failed(err: OSError) -> GitMissing:
    return GitMissing(str(err))


def run(where: Path, *args: str, input: bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> bytes:
    """The output of `git -C where args…`; GitError (Git's message) when it fails and `check`.

    `env`: variables set for this command on top of the current environment.
    """
    return _run(where, args, input, env, check)[1]


def _run(where: Path, args: tuple[str, ...], input: bytes | None = None, env: dict[str, str] | None = None,
         check: bool = False) -> tuple[int, bytes]:
    try:
        proc = subprocess.run(["git", "-C", str(where), *args], input=input, capture_output=True,
                              env={**os.environ, **env} if env else None)
    except OSError as err:
        raise _start_failed(err) from None
    if check and proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed", args)
    return proc.returncode, proc.stdout


def _text(where: Path, *args: str) -> str | None:
    """The stripped output of a query, or None when Git says no (a missing key, a bad revision)."""
    code, out = _run(where, args)
    return out.decode("utf-8", "replace").strip() if code == 0 else None


# --- where the repository is ------------------------------------------------------------


def repo_root(ledger: Path) -> tuple[Path, str]:
    """The repository's top folder and the ledger's path inside it ('' at the top)."""
    try:
        top = run(ledger, "rev-parse", "--show-toplevel").decode().strip()
    except GitError as e:
        raise GitError(f"{ledger} 不在 Git 仓库中：{e}") from None
    prefix = os.path.relpath(Path(ledger).resolve(), Path(top).resolve()).replace(os.sep, "/")
    return Path(top), "" if prefix == "." else prefix + "/"


def git_path(where: Path, name: str) -> Path:
    """Where the repository keeps `name` (e.g. hooks/pre-commit), as an absolute path."""
    path = Path(_text(where, "rev-parse", "--git-path", name) or name)
    return path if path.is_absolute() else Path(where) / path


# --- reading blobs ------------------------------------------------------------------------


def read_objects(where: Path, names: list[str], max_bytes: int = MAX_BLOB_BYTES) -> dict[str, tuple[str, bytes] | None]:
    """(object id, contents) of `names` (blob ids or rev:path) with one `git cat-file --batch`.

    None where the object does not exist; contents b"" where it is larger
    than `max_bytes` (it is skipped, never held in memory). A path in
    rev:path is from the top of the repository. `cat-file --batch` reads one
    name per line, so a name with a line break cannot be asked for: it is
    None (sending it would shift every answer after it onto the wrong name).
    """
    out: dict[str, tuple[str, bytes] | None] = {name: None for name in names if "\n" in name}
    names = [name for name in names if "\n" not in name]
    if not names:
        return out
    try:
        proc = subprocess.Popen(["git", "-C", str(where), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as err:
        raise _start_failed(err) from None

    def feed():
        try:
            for name in names:
                proc.stdin.write(name.encode() + b"\n")
        except OSError:
            pass
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    stream = proc.stdout
    for name in names:
        header = stream.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            out[name] = None
            continue
        size = int(header[2])
        if size > max_bytes:
            left = size
            while left:
                left -= len(stream.read(min(left, 1 << 20))) or left
            data = b""
        else:
            data = stream.read(size)
        stream.read(1)  # the newline after each object
        out[name] = (header[0].decode(), data)
    writer.join()
    proc.wait()
    return out


def read_blobs(where: Path, names: list[str]) -> dict[str, bytes | None]:
    """Contents of `names` (blob ids or rev:path) with one `git cat-file --batch`."""
    return {name: (found[1] if found else None) for name, found in read_objects(where, names).items()}


# --- commits and their ancestry -----------------------------------------------------------


def resolve(where: Path, rev: str) -> str | None:
    """The commit `rev` names, or None (never read as an option: a name may come from a file)."""
    if rev.startswith("-"):
        return None
    return _text(where, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") or None


def head_commit(where: Path) -> str | None:
    """The commit HEAD points at; None outside a repository, with no commit yet, or without Git."""
    try:
        return resolve(where, "HEAD")
    except GitError:
        return None


def is_ancestor(where: Path, commit: str, head: str = "HEAD") -> bool:
    return _run(where, ("merge-base", "--is-ancestor", commit, head))[0] == 0


def merge_base(where: Path, a: str, b: str) -> str | None:
    return _text(where, "merge-base", a, b) or None


def first_parent_list(where: Path, head: str) -> list[str]:
    """`head` and its first parents, newest first: the last one is the root of its chain."""
    return run(where, "rev-list", "--first-parent", head, "--").decode().split()


def first_parent_root(where: Path, rev: str) -> str | None:
    """The root commit at the end of `rev`'s first-parent chain."""
    out = (_text(where, "rev-list", "--first-parent", "--max-parents=0", rev, "--") or "").split()
    return out[0] if out else None


def commits_with_parents(where: Path, revs: list[str], *, oldest_first: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """Each commit of the revisions `revs` (e.g. ["B", "^A"], ["A..B"]) with its parents.

    Newest first, or parents before children with `oldest_first`. GitError for a bad range.
    """
    order = ("--reverse", "--topo-order") if oldest_first else ()
    listed = run(where, "rev-list", *order, "--parents", *revs, "--")
    return [(line[0], tuple(line[1:])) for line in (raw.split() for raw in listed.decode("ascii", "replace").splitlines())
            if line]


def _rows(out: bytes) -> list[list[str]]:
    """`git rev-list --format` output, one list of fields per commit.

    Without --no-commit-header (Git < 2.33 lacks it) each commit has a "commit <sha>" line first.
    """
    rows = []
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] != "commit":
            rows.append(fields)
    return rows


def committer_dates(where: Path, shas: list[str]) -> dict[str, str]:
    """The committer date (ISO text) of each commit of `shas`, in one `rev-list`."""
    if not shas:
        return {}
    out = run(where, "rev-list", "--no-walk=unsorted", "--stdin", "--format=%H %cI",
              input="\n".join(shas).encode() + b"\n")
    return {fields[0]: fields[1] for fields in _rows(out)}


def unpublished_dates(where: Path, base: str | None, head: str) -> list[tuple[str, str]]:
    """(sha, committer date) of the commits of `base..head` that no ref holds yet (what a push brings)."""
    out = run(where, "rev-list", "--format=%H %cI", head, *([f"^{base}"] if base else []), "--not", "--all", "--")
    return [(fields[0], fields[1]) for fields in _rows(out)]


def notes(where: Path, ref: str) -> dict[str, str]:
    """Commit → note blob of the notes ref `ref` (empty when there is none)."""
    code, out = _run(where, ("notes", f"--ref={ref}", "list"))
    found = {}
    for line in out.decode("ascii", "replace").splitlines() if code == 0 else ():
        fields = line.split()
        if len(fields) == 2:
            found[fields[1]] = fields[0]
    return found


# --- the log ------------------------------------------------------------------------------


class FileChange(NamedTuple):
    """One path a commit changed, as `git log --raw` lists it."""

    path: str  # from the top of the repository
    old_mode: str
    new_mode: str
    old: str  # blob before (ZERO: added)
    new: str  # blob after (ZERO: deleted)


@dataclass
class LogEntry:
    """One commit as `git log` shows it: who, when, which paths changed (against its first parent)."""

    sha: str
    parents: tuple[str, ...]
    author_email: str
    author_name: str
    author_date: dt.datetime
    committer_date: dt.datetime
    subject: str
    files: list[FileChange] = field(default_factory=list)


# Names, e-mails, subjects and signer ids are text the committer chose: they
# may hold any byte but NUL and newline (a crafted commit object even a
# newline). So each record starts and its header ends with a random token
# of this run that no commit can contain, and the free text comes last.
def _formats() -> tuple[bytes, str, str]:
    token = secrets.token_hex(12)
    return (token.encode(), f"%x1e{token}%H%x00%P%x00%aI%x00%cI%x00%ae%x00%an%x00%s%x00{token}",
            f"%x1e{token}%H%x00%G?%x00%GS%x00{token}")


_RAW = ("--raw", "--no-renames", "--no-abbrev", "-z")


def read_log(where: Path, shas: list[str]) -> list[LogEntry]:
    """Exactly the commits `shas`, each with the paths it changed against its first parent, in one `git log`."""
    if not shas:
        return []
    # --no-walk with the shas on stdin; --first-parent makes a merge's diff the one against its first parent.
    token, log_format, _ = _formats()
    out = run(where, "log", "--no-walk=unsorted", "--stdin", *_RAW, "--first-parent", f"--format={log_format}",
              input="\n".join(shas).encode() + b"\n")
    return _parse_log(out, token)


def path_log(where: Path, rev: str, path: str) -> list[LogEntry]:
    """The commits on `rev`'s first-parent chain that changed `path`, newest first ([] when Git fails)."""
    token, log_format, _ = _formats()
    out = run(where, "log", "--first-parent", *_RAW, f"--format={log_format}", rev, "--", path, check=False)
    return _parse_log(out, token)


def _parse_log(out: bytes, token: bytes) -> list[LogEntry]:
    commits = []
    for chunk in out.split(b"\x1e" + token)[1:]:
        head, sep, raw = chunk.partition(b"\x00" + token)
        if not sep:
            continue
        fields = head.split(b"\x00", 6)
        fields += [b""] * (7 - len(fields))
        sha, parents, adate, cdate, email, name, subject = (f.decode("utf-8", "replace") for f in fields[:7])
        try:
            adate_v, cdate_v = dt.datetime.fromisoformat(adate), dt.datetime.fromisoformat(cdate)
        except ValueError:
            adate_v = cdate_v = EPOCH
        entry = LogEntry(sha, tuple(parents.split()), email, name, adate_v, cdate_v, subject.replace("\x00", " "))
        tokens = raw[1:].split(b"\x00") if raw.startswith(b"\x00") else raw.split(b"\x00")  # -z ends the header with NUL
        for meta, path in zip(tokens[0::2], tokens[1::2]):
            parts = meta.decode("utf-8", "replace").lstrip("\n:").split()
            if len(parts) < 5:
                continue
            entry.files.append(FileChange(path.decode("utf-8", "replace"), parts[0], parts[1], parts[2], parts[3]))
        commits.append(entry)
    return commits


def signatures(where: Path, shas: list[str], allowed_signers: bytes) -> dict[str, tuple[str, str]]:
    """Commit → (%G?, %GS): each commit's signature checked against the `allowed_signers` text given."""
    fd, path = tempfile.mkstemp(prefix="ducha-signers-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(allowed_signers)
        token, _, signature_format = _formats()
        out = run(where, "-c", f"gpg.ssh.allowedSignersFile={path}", "log", "--no-walk=unsorted", "--stdin",
                  f"--format={signature_format}", input="\n".join(shas).encode() + b"\n")
    finally:
        os.unlink(path)
    found = {}
    for chunk in out.split(b"\x1e" + token)[1:]:
        head, sep, _ = chunk.partition(b"\x00" + token)
        fields = head.split(b"\x00", 2)
        if sep and len(fields) == 3:
            found[fields[0].decode("ascii", "replace")] = (fields[1].decode("utf-8", "replace").strip(),
                                                           fields[2].decode("utf-8", "replace").strip())
    return found


# --- the user's settings ------------------------------------------------------------------


def config_value(where: Path, key: str, *, boolean: bool = False) -> str:
    """`git config [--bool] key` as Git reads it here ("" when unset)."""
    return _text(where, "config", *(["--bool"] if boolean else []), key) or ""


def author_ident(where: Path) -> tuple[str, str] | None:
    """(name, e-mail) Git would record as the author of a commit made here now (None: it has none)."""
    try:
        text = _text(where, "var", "GIT_AUTHOR_IDENT")
    except GitMissing:
        return None
    if text is None:
        return None
    name, sep, rest = text.partition(" <")
    email = rest.split(">", 1)[0] if sep else ""
    return (name.strip(), email.strip()) if email else None


# --- making commits -----------------------------------------------------------------------


def init_repository(root: Path) -> None:
    """`git init` with the branch main."""
    run(root, "init", "-q", "-b", "main")


def commit_all(root: Path, message: str, env: dict[str, str] | None = None) -> str:
    """Stage everything under `root`, commit it with `message`; return the new commit's id."""
    run(root, "add", "-A", env=env)
    run(root, "commit", "-q", "-m", message, env=env)
    return run(root, "rev-parse", "HEAD").decode().strip()


def commit_paths(root: Path, paths: list[Path], message: str) -> str:
    """Commit `paths` only (the user's own Git identity) with `message`; return the new commit's id."""
    names = [str(p) for p in paths]
    run(root, "add", "--", *names)
    run(root, "commit", "-q", "-m", message, "--", *names)
    return run(root, "rev-parse", "HEAD").decode().strip()


# --- read-only mirrors of other ledgers (`ducha rollup`) ------------------------------------

# Transports a mirror URL may use: never `ext::` (runs a command) or `fd::`.
MIRROR_PROTOCOLS = "file:git:http:https:ssh"
_MIRROR_ENV = {"GIT_ALLOW_PROTOCOL": MIRROR_PROTOCOLS, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/true",
               "GIT_CONFIG_NOSYSTEM": "1"}


def mirror_update(url: str, dest: Path, timeout: float = 300) -> None:
    """Make or refresh `dest`, a bare mirror of `url` (read only: nothing is ever pushed).

    Refs are copied as the remote has them (`+refs/*:refs/*`), so a force-push
    there moves them here too; the commits they pointed at stay in the mirror's
    objects for a while, so the roll-up can still tell that history was rewritten.
    GitError with Git's message when the remote cannot be read.
    """
    if url.startswith("-"):
        raise GitError(f"镜像地址 {url} 不能以 - 开头")
    env = dict(_MIRROR_ENV)
    try:
        if not (dest / "HEAD").is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            proc = subprocess.run(["git", "clone", "--quiet", "--mirror", "--no-hardlinks", "--", url, str(dest)],
                                  capture_output=True, env={**os.environ, **env}, timeout=timeout)
        else:
            proc = subprocess.run(["git", "-C", str(dest), "fetch", "--quiet", "--prune", "--force", "--no-tags",
                                   url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
                                  capture_output=True, env={**os.environ, **env}, timeout=timeout)
    except OSError as err:
        raise _start_failed(err) from None
    except subprocess.TimeoutExpired:
        raise GitError(f"读取镜像 {url} 超时（{timeout:.0f} 秒）") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or "git fetch failed")


def reachable(where: Path, commit: str) -> bool:
    """`commit` exists in the repository and some branch or tag contains it (not a leftover object)."""
    if resolve(where, commit) is None:
        return False
    return bool(_text(where, "for-each-ref", "--count=1", f"--contains={commit}", "refs/heads", "refs/tags"))


def tree_blobs(where: Path, commit: str, prefix: str = "") -> dict[str, str]:
    """path → blob id of every regular file under `prefix` (a folder, '' for the top) in `commit`.

    Paths are relative to `prefix`; links and submodules are left out (a
    ledger's files are regular files). Read with `read_objects`.
    """
    if commit.startswith("-"):
        return {}
    spec = [prefix.rstrip("/")] if prefix else []
    out = run(where, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *spec)
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue
        name = path.decode("utf-8", "surrogateescape")
        if prefix:
            name = name[len(prefix.rstrip("/")) + 1:]
        files[name] = sha.decode()
    return files
