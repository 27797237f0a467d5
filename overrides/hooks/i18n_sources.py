"""Serve the Chinese sources in docs_zh/ as the `zh/` language folder of one build.

mkdocs-static-i18n reads every language from docs_dir; this hook adds docs_zh/<rel>
as zh/<rel> before the plugin's on_files (priority -100), points the plugin's
re-created File objects back at docs_zh, watches docs_zh during `mkdocs serve`, and
makes warnings name the real file (docs_zh/...) instead of the internal zh/ alias.
It also keeps the terminal readable: jieba's loading chatter and one i18n warning
that overrides/hooks/per_language_outputs.py makes obsolete are dropped.
"""

from __future__ import annotations

import logging
import os
import re

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ZH_DIR = "docs_zh"
ZH_PREFIX = "zh/"

_ZH_PATH_IN_MESSAGE = re.compile(r"(?<![\w/])zh/([^\s'\"]+\.md)")


class _RealChineseSourcePaths(logging.Filter):
    """Rewrite 'zh/x.md' in log messages to 'docs_zh/x.md', the file editors open."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "zh/" in message:
            record.msg = _ZH_PATH_IN_MESSAGE.sub(rf"{ZH_DIR}/\1", message)
            record.args = ()
        return True


class _DropObsoleteWarning(logging.Filter):
    """The plugin warns that its switcher links break with navigation.instant; the
    per-language sitemaps written by per_language_outputs.py fix exactly that."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features = navigation.instant" not in record.getMessage()


def _install_log_filters() -> None:
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(f, _RealChineseSourcePaths) for f in handler.filters):
            handler.addFilter(_RealChineseSourcePaths())
    i18n_logger = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
    if not any(isinstance(f, _DropObsoleteWarning) for f in i18n_logger.filters):
        i18n_logger.addFilter(_DropObsoleteWarning())
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # search still works for English without jieba
        pass


_install_log_filters()


def zh_root(config) -> str:
    return os.path.join(os.path.dirname(config.config_file_path), ZH_DIR)


def on_config(config):
    _install_log_filters()  # handlers may be replaced between `serve` rebuilds
    return config


@event_priority(50)  # before the i18n plugin's on_files (-100)
def on_files(files: Files, config) -> Files:
    root = zh_root(config)
    if not os.path.isdir(root):
        return files
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            abs_path = os.path.join(dirpath, name)
            rel = os.path.relpath(abs_path, root).replace(os.sep, "/")
            # Left pointing at docs_dir/zh/<rel> (which does not exist) because the
            # i18n plugin only accepts files under docs_dir; on_nav points it back.
            files.append(File(ZH_PREFIX + rel, config.docs_dir, config.site_dir, config.use_directory_urls))
    return files


def _point_back_at_docs_zh(files: Files, config) -> None:
    root = zh_root(config)
    for file in files:
        if file.src_uri.startswith(ZH_PREFIX):
            real = os.path.join(root, file.src_uri[len(ZH_PREFIX):])
            if os.path.exists(real):
                file.abs_src_path = real


@event_priority(-150)  # after the i18n plugin re-created every File, before any is read
def on_nav(nav, config, files):
    _point_back_at_docs_zh(files, config)
    return nav


def on_serve(server, config, builder):
    server.watch(zh_root(config))
    return server
