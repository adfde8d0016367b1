"""The scanned Go files of one module, kept current one file at a time.

The CLI builds it once from disk; the server updates single files as the user types (open
documents) or as watched files change on disk, and asks for the packages' imports, which are
recomputed only for the package directory that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.files import read_head
from modlsp.core.gosource import GoSource, scan
from modlsp.core.loader import PackageImports
from modlsp.core.workspace import Module


@dataclass(slots=True)
class ModuleIndex:
    module: Module
    # package directory (relative, "." for the root) -> file name -> scan
    sources: dict[str, dict[str, GoSource]] = field(default_factory=dict)
    _packages: dict[str, PackageImports] = field(default_factory=dict)

    @classmethod
    def scan_disk(cls, module: Module) -> ModuleIndex:
        index = cls(module)
        for package, names in module.packages.items():
            files = index.sources.setdefault(package, {})
            for name in names:
                data = read_head(module.dir / package / name)
                if data is not None:
                    files[name] = scan(data)
        return index

    def locate(self, file: Path) -> tuple[str, str] | None:
        """(package dir, file name) of a Go file inside this module's tree."""
        try:
            relative = file.relative_to(self.module.dir)
        except ValueError:
            return None
        package = relative.parent.as_posix()
        return package, relative.name

    def update(self, file: Path, data: bytes | None) -> GoSource | None:
        """Record a file's new content (None: the file is gone); the new scan."""
        where = self.locate(file)
        if where is None:
            return None
        package, name = where
        self._packages.pop(package, None)
        if data is None:
            files = self.sources.get(package, {})
            files.pop(name, None)
            if not files:
                self.sources.pop(package, None)
            return None
        source = scan(data)
        self.sources.setdefault(package, {})[name] = source
        return source

    def source(self, file: Path) -> GoSource | None:
        where = self.locate(file)
        if where is None:
            return None
        return self.sources.get(where[0], {}).get(where[1])

    def packages(self) -> dict[str, PackageImports]:
        """Package dir -> its imports, for every package of the module."""
        for package, files in self.sources.items():
            if package not in self._packages:
                self._packages[package] = PackageImports.of(sorted(files.items()))
        return {package: self._packages[package] for package in self.sources}

    def files(self) -> list[tuple[Path, GoSource]]:
        return [
            (self.module.dir / package / name, source)
            for package, files in sorted(self.sources.items())
            for name, source in sorted(files.items())
        ]
