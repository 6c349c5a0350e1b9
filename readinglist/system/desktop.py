"""Desktop integration on Linux and the BSDs (freedesktop.org): Readinglist in the
application menu of the current user, with its icon.

`install_desktop_entry` writes the bundled ``readinglist.desktop`` (its commands made
absolute: the launchers installed beside this Python, so the menu starts this very
installation, a virtual environment included) into ``$XDG_DATA_HOME/applications``, and
the icon into the hicolor theme of ``$XDG_DATA_HOME/icons``; `uninstall_desktop_entry`
removes exactly those files. No root, nothing outside the user's data folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..domain import ReadinglistError
from .locations import resource_path

APP_ID = "readinglist"  # the .desktop file's name, the icon's, and the app's desktopFileName
ICON_SIZES = (48, 128, 256)  # PNGs shipped beside the SVG, for desktops that want them
GUI_LAUNCHER = "readinglist-gui"
CLI_LAUNCHER = "readinglist"
FREEDESKTOP_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")
# Characters that make the Desktop Entry spec require an argument of Exec to be quoted.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (a relative $XDG_DATA_HOME is ignored, as the
    XDG Base Directory spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def entry_files(data: Path | None = None) -> list[tuple[Path, Path]]:
    """(bundled file, where it is installed) for the .desktop file and every icon."""
    data = data or data_home()
    hicolor = data / "icons" / "hicolor"
    files = [
        (resource_path(f"{APP_ID}.desktop"), data / "applications" / f"{APP_ID}.desktop"),
        (resource_path("icons", f"{APP_ID}.svg"), hicolor / "scalable" / "apps" / f"{APP_ID}.svg"),
    ]
    for size in ICON_SIZES:
        files.append((resource_path("icons", f"{APP_ID}-{size}.png"),
                      hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    return files


def launcher_command(name: str) -> list[str]:
    """The command that runs launcher `name` (readinglist or readinglist-gui) of this
    installation: the script beside this Python (a virtual environment's bin/), else the
    one on PATH, else this Python with ``-m readinglist``. Absolute, symlinks kept (a
    virtual environment's python is a link that must stay one)."""
    beside = Path(sys.executable).parent / name
    on_path = shutil.which(name)
    for candidate in (beside, Path(on_path) if on_path else None):
        if candidate is not None and candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate.absolute())]
    module = [str(Path(sys.executable).absolute()), "-m", "readinglist"]
    return [*module, "gui"] if name == GUI_LAUNCHER else module


def exec_value(argv: list[str]) -> str:
    """`argv` as the value of an Exec key: arguments with reserved characters quoted and
    escaped, % doubled, then the string escapes of the file format."""
    words = []
    for arg in argv:
        if any(ord(c) < 32 or c == "\x7f" for c in arg):
            raise ReadinglistError(f"cannot write a desktop entry for the path {arg!r}: "
                                   "it holds a control character")
        if _RESERVED & set(arg) or not arg:
            arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
        words.append(arg.replace("%", "%%"))
    return " ".join(words).replace("\\", "\\\\")


def desktop_entry() -> str:
    """The bundled .desktop file with its commands (Exec, TryExec) made absolute."""
    lines = []
    for line in resource_path(f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key in ("Exec", "TryExec"):
            name, *args = value.split()
            command = launcher_command(name)
            line = f"{key}={exec_value(command[:1] if key == 'TryExec' else command + args)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install_desktop_entry(data: Path | None = None) -> list[Path]:
    """Install the menu entry and the icons for the current user (into `data`, default
    $XDG_DATA_HOME or ~/.local/share); returns the files written. Installing again
    replaces them (a symlink at a destination is replaced, never written through)."""
    _check_platform()
    written = []
    for source, target in entry_files(data):
        if target.suffix == ".desktop":
            content = desktop_entry().encode("utf-8")
        else:
            try:
                content = source.read_bytes()
            except OSError as exc:
                raise ReadinglistError(f"the icon {source} is missing from this "
                                       f"installation: {exc.strerror}") from None
        _write(target, content)
        written.append(target)
    return written


def uninstall_desktop_entry(data: Path | None = None) -> list[Path]:
    """Remove what `install_desktop_entry` wrote (a symlink in its place is removed, not
    what it points to); returns the files removed."""
    _check_platform()
    removed = []
    for _source, target in entry_files(data):
        if target.is_symlink() or target.is_file():
            try:
                target.unlink()
            except OSError as exc:
                raise ReadinglistError(f"cannot remove {target}: {exc.strerror}") from None
            removed.append(target)
    return removed


def _check_platform() -> None:
    if not sys.platform.startswith(FREEDESKTOP_PLATFORMS):
        raise ReadinglistError("a desktop entry is for Linux and BSD desktops "
                               f"(freedesktop.org); this is {sys.platform}")


def _write(target: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, renamed over the target: never
    half a file, and rename replaces a symlink itself instead of following it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".tmp")
    except OSError as exc:
        raise ReadinglistError(f"cannot write in {target.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o644)  # as any file of the data folder (mkstemp makes it 0600)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ReadinglistError(f"cannot write {target}: {exc.strerror}") from None
