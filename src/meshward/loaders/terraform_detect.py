"""Recognise Terraform inputs by name and plan JSON by content, without importing the parser."""

from __future__ import annotations

TF_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")


def is_terraform_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(TF_SUFFIXES) or lower.endswith(TFVARS_SUFFIXES)


def looks_like_plan(text: str) -> bool:
    """``terraform show -json`` output: a plan (``planned_values``/``resource_changes``) or a
    state (``values.root_module``), with its ``format_version``."""
    if '"format_version"' not in text:
        return False
    return ('"planned_values"' in text or '"resource_changes"' in text
            or ('"values"' in text and '"root_module"' in text))
