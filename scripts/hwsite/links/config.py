"""Where and how the site is served, for the link checker: site_url read from mkdocs.yml,
the base path, the hosts that are this site, and the translations' top-level folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from hwsite.links.report import BadInput

DEFAULT_LANG_PREFIXES = ("zh",)


@dataclass(frozen=True)
class SiteConfig:
    """Where the checked site is served, and where its translations are."""

    base_path: str = "/"  # where the site is served, "/" or "/sub/"
    own_hosts: frozenset[str] = frozenset()  # netlocs that are this site (from site_url)
    origin: str | None = None  # scheme://host of site_url, for hints of absolute links
    lang_prefixes: tuple[str, ...] = DEFAULT_LANG_PREFIXES


# The checker needs one value of mkdocs.yml, so it reads the YAML itself rather than with
# MkDocs' loader. Measured on this repository (CPU seconds of a whole process, best of 10):
# reading site_url with mkdocs.config.load_config() takes 0.40, with this loader 0.11, and
# the whole check of the 220-page site 0.3-0.4; load_config() imports and validates every
# plugin and the theme, and refuses a config whose docs_dir is absent (as in
# tests/fixtures/links/mkdocs.yml). A Config of site_url alone (mkdocs.config.base) adds
# 0.07 but loads with yaml.Loader, which imports what !!python/name tags name, calls
# !!python/object/apply functions, fails on unknown tags and reads !ENV from os.environ.
class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that maps tags it does not know (!!python/name:...) to None and reads
    !ENV the way MkDocs does, from self.environ. INHERIT is not followed."""

    environ: Mapping[str, str] = os.environ


def _env_tag(loader: _TolerantLoader, node: yaml.Node):
    # !ENV NAME or !ENV [NAME, OTHER, default]: the first variable set wins.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if isinstance(name, str) and name in loader.environ:
            return loader.environ[name]
    return default


_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_url(config_path: Path, environ: Mapping[str, str] | None = None) -> str | None:
    """site_url from an mkdocs.yml, or None when it has none. environ: the variables !ENV
    reads (default: the process environment)."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{config_path}: cannot read: {exc}") from exc
    loader = _TolerantLoader(text)
    if environ is not None:
        loader.environ = environ
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{config_path}:{mark.line + 1}" if mark is not None else str(config_path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise BadInput(f"{where}: malformed YAML: {problem}") from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None
    value = data.get("site_url")
    return value if isinstance(value, str) and value.strip() else None


def normalize_base_path(path: str) -> str:
    path = "/" + path.strip().strip("/")
    return path if path == "/" else path + "/"


def make_config(
    site_url: str | None = None,
    base_path: str | None = None,
    lang_prefixes: Iterable[str] = DEFAULT_LANG_PREFIXES,
) -> SiteConfig:
    own_hosts: frozenset[str] = frozenset()
    origin = None
    path_from_url = "/"
    if site_url:
        parts = urlsplit(site_url.strip())
        if parts.netloc:
            own_hosts = frozenset({host_key(parts.scheme, parts.netloc)})
            origin = f"{parts.scheme or 'https'}://{parts.netloc}"
        path_from_url = parts.path or "/"
    return SiteConfig(
        base_path=normalize_base_path(base_path if base_path is not None else path_from_url),
        own_hosts=own_hosts,
        origin=origin,
        lang_prefixes=tuple(p.strip("/") for p in lang_prefixes if p.strip("/")),
    )


def host_key(scheme: str, netloc: str) -> str:
    """Host and non-default port, lower-cased, without credentials."""
    host = netloc.rpartition("@")[2].lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme.lower())
    if default_port and host.endswith(default_port):
        host = host[: -len(default_port)]
    return host
