"""What every loader returns, and the source file it reads from."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.errors import InputError
from meshward.model.compose import ComposeFile
from meshward.model.dockerfile import Dockerfile
from meshward.model.kubernetes import K8sObject


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file found by the walk: ``path`` as shown to users, ``text`` already decoded."""

    path: str
    text: str
    abs_path: str = ""


@dataclass
class LoadResult:
    """What one loader made of one or more files. Errors never stop the others."""

    objects: list[K8sObject] = field(default_factory=list)
    compose_files: list[ComposeFile] = field(default_factory=list)
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.objects.extend(other.objects)
        self.compose_files.extend(other.compose_files)
        self.dockerfiles.extend(other.dockerfiles)
        self.errors.extend(other.errors)
        for n in other.notices:
            if n not in self.notices:
                self.notices.append(n)
