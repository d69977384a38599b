"""Read an .npz archive without trusting it: every size is known, and within a budget,
before a byte of array data is decompressed.

An .npz is a zip archive of .npy members. `NpzArchive` reads the zip's end record and
central directory (a few hundred bytes), refusing more than `max_members` entries,
encrypted or duplicate entries, names that are not a plain `key.npy`, and compression
other than stored or deflate. `member(key)` then reads one member's .npy header (dtype,
shape: a few hundred bytes) and checks it against the size the zip directory declares;
`read(key)` reads its data through a bounded reader that stops at that size. The archive
keeps a running total, so all reads together stay within `max_bytes`. Nothing is
allocated from a size the file states before that size has been checked.

Compression: stored (what `np.savez` writes) and deflate (`np.savez_compressed`) are
accepted; both are decompressed a chunk at a time with the output bounded. bzip2 and
LZMA are refused: numpy never writes them, and Python's zipfile inflates them without an
output bound. Data types: only those the caller lists (object arrays, i.e. pickles, never).
Leaves out: zip64 archives and multi-disk archives (over 4 GB or 65,535 entries: far
beyond any budget here), and reading members without knowing what they should be.
"""
from __future__ import annotations

import ast
import io
import math
import os
import re
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

ZIP_MAGIC = b"PK\x03\x04"      # a zip archive starts with a local file header
EMPTY_ZIP = b"PK\x05\x06"      # ... or, if it has no entries, with its end record
ZIP64_LOCATOR, ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
NPY_MAGIC = b"\x93NUMPY"
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "deflate64", 93: "Zstandard"}
END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries (this disk, total), size, offset, comment
MAX_COMMENT = 65535
CD_BYTES_PER_MEMBER = 512      # a central-directory entry is 46 bytes + name + extras; numpy's are ~60
MAX_NPY_HEADER = 4096          # numpy writes 128 bytes; it refuses more than 10,000
NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}\.npy")
DESCR = re.compile(r"[<>|=]?(?:f[248]|i[1248]|u[1248]|b1|U[0-9]{1,9})")
CHUNK = 1 << 20                # bytes decompressed per read


@dataclass(frozen=True)
class Member:
    """One .npy member as its header describes it (nothing of its data has been read)."""

    key: str
    dtype: np.dtype
    shape: tuple[int, ...]
    fortran_order: bool
    nbytes: int                # prod(shape) * itemsize, computed with Python ints (no overflow)
    data_offset: int           # where the data starts inside the member


def mb(n: int) -> str:
    if n >= 10 ** 15:  # only a forged header says this; its digits are not worth printing
        return f"about 10^{int(n.bit_length() * 0.30103)} bytes"
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _dims(shape: tuple) -> str:
    """A shape for a message, each size shortened if a header made it absurd."""
    return "(" + ", ".join(str(d) if abs(d) < 10 ** 15 else f"~10^{int(abs(d).bit_length() * 0.30103)}"
                           for d in shape) + ")"


class NpzArchive:
    """A zip of .npy members, opened for bounded reading. ValueError (with the file's name)
    for anything malformed, unsafe or over budget; use as a context manager. The archive's
    entries are only listed here: a member's declared size matters once it is read."""

    def __init__(self, source: str | os.PathLike | bytes | BinaryIO, name: str, *, max_members: int,
                 max_bytes: int):
        self.name, self.max_bytes, self.spent = name, max_bytes, 0
        self._owned = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = io.BytesIO(source)
        elif isinstance(source, (str, os.PathLike)):
            try:
                source = self._owned = open(source, "rb")
            except FileNotFoundError:
                raise ValueError(f"{name}: no such file") from None
            except OSError as e:
                raise ValueError(f"{name}: cannot be read ({e.strerror or e})") from None
        try:
            self._open(source, max_members)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ directory
    def _open(self, f: BinaryIO, max_members: int) -> None:
        with self._reading("cannot be read"):
            head = f.read(len(NPY_MAGIC))
            f.seek(0)
        if head.startswith(NPY_MAGIC):
            self._refuse("a single .npy array, not an .npz archive of arrays")
        if head.startswith(EMPTY_ZIP):
            self._refuse("an empty zip archive; it holds no arrays")
        if not head.startswith(ZIP_MAGIC):
            self._refuse("not an .npz file (it is not a zip archive)")
        self._check_end_record(f, max_members)
        with self._reading("not a readable zip archive"):
            self._zip = zipfile.ZipFile(f)
        infos = self._zip.infolist()
        if len(infos) > max_members:  # the directory may hold more entries than its end record says
            self._refuse(f"{len(infos):,} entries; at most {max_members:,} are expected")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_entry(info)
            self._infos[info.filename[:-4]] = info

    def _check_end_record(self, f: BinaryIO, max_members: int) -> None:
        """The end record says how many entries and how many directory bytes follow:
        checked before zipfile reads (and allocates) the directory."""
        with self._reading("cannot be read"):
            size = f.seek(0, io.SEEK_END)
            start = max(0, size - END_RECORD.size - MAX_COMMENT)
            f.seek(start)
            tail = f.read(size - start)
            f.seek(0)
        at = tail.rfind(EMPTY_ZIP)
        if at < 0 or len(tail) - at < END_RECORD.size:
            self._refuse("the file is cut short or is not a zip archive (no end record)")
        _, disk, cd_disk, here, total, cd_size, cd_offset, _ = END_RECORD.unpack_from(tail, at)
        # zipfile trusts a zip64 locator just before the end record over the record itself
        zip64 = at >= ZIP64_LOCATOR_SIZE and tail[at - ZIP64_LOCATOR_SIZE:].startswith(ZIP64_LOCATOR)
        if zip64 or 0xFFFF in (here, total) or 0xFFFFFFFF in (cd_size, cd_offset):
            self._refuse("a zip64 archive (over 4 GB or 65,535 entries), far larger than any model here")
        if disk or cd_disk or here != total:
            self._refuse("a multi-disk zip archive; not supported")
        if total > max_members or cd_size > CD_BYTES_PER_MEMBER * max_members:
            self._refuse(f"{total:,} entries in {mb(cd_size)} of directory; at most {max_members:,} are expected")

    def _check_entry(self, info: zipfile.ZipInfo) -> None:
        if not NAME.fullmatch(info.filename):  # checked first: only names that pass are ever echoed
            self._refuse("it has an entry that is not a plain NAME.npy array (folders and other files are "
                         "not expected)")
        what = _shown(info.filename)
        if info.filename[:-4] in self._infos:
            self._refuse(f"entry {what} appears twice")
        if info.flag_bits & 0x1:
            self._refuse(f"entry {what} is encrypted")
        if info.compress_type not in METHODS:
            method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            self._refuse(f"entry {what} is compressed with {method}; only stored or deflate members are read "
                         "(what numpy's savez and savez_compressed write)")

    @property
    def keys(self) -> list[str]:
        """Member names without `.npy`, in archive order."""
        return list(self._infos)

    # ------------------------------------------------------------------ members
    def member(self, key: str) -> Member:
        """The member's .npy header, checked against its zip entry; its data is not read."""
        with self._open_member(key) as f:
            return self._header(key, f)

    def read(self, key: str, dtypes: tuple[str, ...] = ("f",)) -> np.ndarray:
        """The member's array: its dtype's kind must be in `dtypes` ("f" float, "i"/"u" integer,
        "U" text, "b" bool). The data is read in chunks up to the size its header declares;
        the archive's budget is charged before anything is allocated."""
        with self._open_member(key) as f:
            m = self._header(key, f)
            if m.dtype.kind not in dtypes:
                self._refuse(f"array {_shown(key)} has dtype {m.dtype}; expected {'/'.join(dtypes)}")
            if self.spent + m.nbytes > self.max_bytes:
                self._refuse(f"its arrays take more than the {mb(self.max_bytes)} this reader allows "
                             f"({_shown(key)} alone declares {mb(m.nbytes)})")
            self.spent += m.nbytes
            buf = np.empty(m.nbytes, np.uint8)
            done = 0
            with self._reading(f"array {_shown(key)} is damaged"):
                while done < m.nbytes:
                    chunk = f.read(min(CHUNK, m.nbytes - done))
                    if not chunk:
                        self._refuse(f"array {_shown(key)} is cut short ({mb(done)} of {mb(m.nbytes)})")
                    buf[done:done + len(chunk)] = np.frombuffer(chunk, np.uint8)
                    done += len(chunk)
                if f.read(1):  # the zip entry's size matched the header, so this is only a safeguard
                    self._refuse(f"array {_shown(key)} holds more data than its header declares")
        order = "F" if m.fortran_order else "C"
        return buf.view(m.dtype).reshape(m.shape, order=order)

    @contextmanager
    def _open_member(self, key: str):
        info = self._infos.get(key)
        if info is None:
            self._refuse(f"no array named {_shown(key)}")
        with self._reading(f"array {_shown(key)} is damaged"):
            f = self._zip.open(info)
        try:
            yield f
        finally:
            f.close()

    def _header(self, key: str, f) -> Member:
        with self._reading(f"array {_shown(key)} is damaged"):
            magic = f.read(len(NPY_MAGIC) + 2)
            if not magic.startswith(NPY_MAGIC):
                self._refuse(f"member {_shown(key)} is not an .npy array (a pickle or other data, which "
                             "could run code when loaded: refused)")
            major = magic[len(NPY_MAGIC)]
            if major not in (1, 2, 3):
                self._refuse(f"array {_shown(key)} has .npy format version {major}; this reader knows 1 to 3")
            width = 2 if major == 1 else 4
            hlen = int.from_bytes(f.read(width), "little")
            if hlen > MAX_NPY_HEADER:
                self._refuse(f"array {_shown(key)} has a {hlen:,}-byte header; numpy writes 128")
            raw = f.read(hlen)
        if len(raw) != hlen:
            self._refuse(f"array {_shown(key)} is cut short in its header")
        dtype, shape, fortran = self._parse_header(key, raw.decode("utf8" if major == 3 else "latin1", "replace"))
        nbytes = math.prod(shape) * dtype.itemsize
        offset = len(NPY_MAGIC) + 2 + width + hlen
        info = self._infos[key]
        if info.file_size != offset + nbytes:
            self._refuse(f"array {_shown(key)}: its header promises {mb(nbytes)} of data for shape {_dims(shape)}, "
                         f"its zip entry holds {mb(max(0, info.file_size - offset))}")
        return Member(key, dtype, shape, fortran, nbytes, offset)

    def _parse_header(self, key: str, text: str) -> tuple[np.dtype, tuple[int, ...], bool]:
        bad = f"array {_shown(key)} has a malformed .npy header"
        try:  # at most MAX_NPY_HEADER characters, so literal_eval's cost is bounded
            d = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            self._refuse(bad)
        if not isinstance(d, dict) or set(d) != {"descr", "fortran_order", "shape"}:
            self._refuse(bad)
        descr, shape, fortran = d["descr"], d["shape"], d["fortran_order"]
        if descr in ("|O", "O", "<O", ">O"):
            self._refuse(f"array {_shown(key)} holds pickled Python objects, which could run code when "
                         "loaded: refused")
        if not isinstance(descr, str) or not DESCR.fullmatch(descr):
            self._refuse(f"array {_shown(key)} has a data type this reader does not read (only plain "
                         "numbers and text)")
        if (not isinstance(shape, tuple) or len(shape) > 8 or not isinstance(fortran, bool)
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
            self._refuse(bad)
        try:
            dtype = np.dtype(descr)
        except (TypeError, ValueError):  # e.g. text of 2**30 characters: numpy's itemsize is 32-bit
            self._refuse(f"array {_shown(key)} has a data type this reader does not read")
        return dtype, shape, fortran

    # ------------------------------------------------------------------ helpers
    def _refuse(self, why: str):
        raise ValueError(f"{self.name}: {why}")

    @contextmanager
    def _reading(self, what: str):
        """zipfile's and zlib's errors as a ValueError that names the file."""
        try:
            yield
        except ValueError as e:
            if str(e).startswith(f"{self.name}: "):
                raise
            raise ValueError(f"{self.name}: {what} ({_reason(e)})") from None
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
                struct.error, MemoryError) as e:
            raise ValueError(f"{self.name}: {what} ({_reason(e)})") from None

    def close(self) -> None:
        z = getattr(self, "_zip", None)
        if z is not None:
            z.close()
        if self._owned is not None:
            self._owned.close()

    def __enter__(self) -> "NpzArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _shown(key: str) -> str:
    """A member name for a message, as inline code. Only names that matched NAME (letters,
    digits, _ . -) or the caller's own are ever shown: messages carry no free text from a file."""
    return f"`{key}`"


def _reason(e: BaseException) -> str:
    """In a user's words, and without the library's text (which can quote bytes of the file)."""
    if isinstance(e, MemoryError):
        return "not enough memory"
    if isinstance(e, OSError) and e.strerror and not isinstance(e, zipfile.BadZipFile):
        return e.strerror
    return "the file is cut short or damaged"
