"""Apply synthesized workload manifests with their Secret values, which never touch disk or argv.

Values come from environment variables (or standard input) and reach kubectl only through its
standard input, so they are never in a file, a command line (``ps``), a log line or an error.
"""

from __future__ import annotations

import argparse
import base64
import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from eks_envelope_secrets.secret_contract import declared_keys

FIELD_MANAGER = "eks-envelope-secrets"
REDACTED = "<redacted>"


class ApplyError(Exception):
    """A problem found before or while applying; its message never holds a secret value."""


@dataclass(frozen=True)
class SecretValueSource:
    """Where one Secret key's value comes from: an environment variable, or standard input."""

    key: str
    variable: str | None

    def describe(self) -> str:
        return (
            "standard input" if self.variable is None else f"environment variable {self.variable}"
        )


def load_manifests(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Read every YAML document of the given files, or of the ``*.yaml`` files of the given folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        elif path.is_file():
            files.append(path)
        else:
            raise ApplyError(
                f"no manifests at {path}: run `make synth` first, or pass --manifests."
            )
    if not files:
        raise ApplyError(
            f"no *.yaml manifests in {', '.join(map(str, paths))}: run `make synth` first."
        )
    return [
        document
        for file in files
        for document in yaml.safe_load_all(file.read_text(encoding="utf-8"))
        if document
    ]


def value_sources(
    documents: Sequence[dict[str, Any]], variables: Mapping[str, str], stdin_key: str | None
) -> list[SecretValueSource]:
    """Each key the Secrets declare, read from the variable of the same name unless remapped."""
    declared = [
        key
        for document in documents
        if document.get("kind") == "Secret"
        for key in declared_keys(document)
    ]
    unknown = sorted((set(variables) | ({stdin_key} if stdin_key else set())) - set(declared))
    if unknown:
        raise ApplyError(
            f"no Secret in the manifests declares the key(s) {', '.join(unknown)}; "
            f"declared keys: {', '.join(declared) or 'none'}."
        )
    return [
        SecretValueSource(key, None if key == stdin_key else variables.get(key, key))
        for key in declared
    ]


def read_values(
    sources: Sequence[SecretValueSource], environ: Mapping[str, str], stdin: TextIO
) -> dict[str, str]:
    """Read every value, or raise naming every missing one; a single trailing newline is dropped."""
    values: dict[str, str] = {}
    missing: list[str] = []
    for source in sources:
        raw = stdin.read() if source.variable is None else environ.get(source.variable, "")
        value = _without_trailing_newline(raw)
        if value.strip():
            values[source.key] = value
        else:
            missing.append(f"{source.key} (from {source.describe()})")
    if missing:
        raise ApplyError(
            f"missing or empty Secret value for {', '.join(missing)}: export the variable (for "
            "example from a CI secret) or pipe the value in with --stdin; nothing was applied."
        )
    return values


def with_values(
    documents: Sequence[dict[str, Any]], values: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The documents with each declared Secret's ``data`` filled in, base64-encoded."""
    filled = []
    for document in documents:
        if document.get("kind") == "Secret" and declared_keys(document):
            document = copy.deepcopy(document)
            document["data"] = {
                key: base64.b64encode(values[key].encode("utf-8")).decode("ascii")
                for key in declared_keys(document)
            }
        filled.append(document)
    return filled


def redacted(documents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with every Secret value replaced, for --dry-run."""
    result = []
    for document in documents:
        if document.get("kind") == "Secret":
            document = copy.deepcopy(document)
            for field in ("data", "stringData"):
                if field in document:
                    document[field] = dict.fromkeys(document[field], REDACTED)
        result.append(document)
    return result


def render(documents: Sequence[dict[str, Any]]) -> str:
    return yaml.safe_dump_all(documents, sort_keys=False)


def kubectl_command(kube_context: str | None, environ: Mapping[str, str]) -> list[str]:
    kubectl = environ.get("KUBECTL") or shutil.which("kubectl", path=environ.get("PATH"))
    if not kubectl:
        raise ApplyError("kubectl not found: install it on PATH, or set KUBECTL to its path.")
    command = [kubectl, "apply", "--server-side", f"--field-manager={FIELD_MANAGER}", "-f", "-"]
    if kube_context:
        command += ["--context", kube_context]
    return command


def apply(command: Sequence[str], manifests: str) -> None:
    """Stream the manifests to kubectl's standard input; kubectl's own output is passed on."""
    try:
        completed = subprocess.run(command, input=manifests.encode("utf-8"), check=False)
    except OSError as error:
        raise ApplyError(f"could not run {command[0]}: {error.strerror}.") from None
    if completed.returncode != 0:
        raise ApplyError(
            f"kubectl apply failed with exit code {completed.returncode} (its message is above)."
        )


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Console script ``eks-envelope-secrets-apply``."""
    arguments = _parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    try:
        documents = load_manifests(arguments.manifests)
        variables = dict(_pair(item) for item in arguments.value_from)
        sources = value_sources(documents, variables, arguments.stdin)
        values = read_values(sources, environ, sys.stdin)
        filled = with_values(documents, values)
        if arguments.dry_run:
            sys.stdout.write(render(redacted(filled)))
            return 0
        apply(kubectl_command(arguments.context, environ), render(filled))
    except ApplyError as error:
        print(f"eks-envelope-secrets-apply: {error}", file=sys.stderr)
        return 1
    keys = ", ".join(source.key for source in sources) or "no Secret values"
    print(
        f"eks-envelope-secrets-apply: applied {len(documents)} object(s) with {keys}.",
        file=sys.stderr,
    )
    return 0


def _without_trailing_newline(value: str) -> str:
    """`echo $KEY | ...` appends a newline that is never part of an API key: drop one."""
    for ending in ("\r\n", "\n"):
        if value.endswith(ending):
            return value[: -len(ending)]
    return value


def _pair(item: str) -> tuple[str, str]:
    key, separator, variable = item.partition("=")
    if not separator or not key or not variable:
        raise ApplyError(
            f"--value-from takes KEY=VARIABLE, e.g. GEN_AI_KEY=CI_GEN_AI_KEY, not {item!r}."
        )
    return key, variable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eks-envelope-secrets-apply",
        description=(
            "Apply synthesized manifests with kubectl, filling each Secret declared by SecretChart "
            "with values from environment variables or standard input. Values never touch disk "
            "or a command line; one trailing newline is dropped from each value."
        ),
    )
    parser.add_argument(
        "--manifests",
        type=Path,
        nargs="+",
        default=[Path("dist/workload")],
        help="manifest files or folders, applied in order (default: dist/workload)",
    )
    parser.add_argument(
        "--value-from",
        action="append",
        default=[],
        metavar="KEY=VARIABLE",
        help="read KEY from environment variable VARIABLE (default: the variable named KEY)",
    )
    parser.add_argument("--stdin", metavar="KEY", help="read KEY's value from standard input")
    parser.add_argument(
        "--context", help="the kubeconfig context to use (default: the current one)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the manifests, values redacted; apply nothing"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
