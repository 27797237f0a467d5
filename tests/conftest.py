"""Shared test fixtures: site builds (the real site once per session, tiny fixture sites,
all in-process), a static server that behaves like GitHub Pages, and headless Chromium.
The `hwsite` package is installed (editable) by the Makefile; nothing here edits sys.path."""

from __future__ import annotations

import functools
import http.server
import io
import logging
import os
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

ROOT = Path(__file__).resolve().parent.parent

MKDOCS = [sys.executable, "-m", "mkdocs"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class BuildResult:
    returncode: int  # 0 built, 1 aborted (an error, or a warning under --strict)
    stderr: str  # every log message of the build, "LEVEL - message" per line


def run_mkdocs_build(config: Path, site_dir: Path, strict: bool = True) -> BuildResult:
    """`mkdocs build [--strict]` of one config, in this process: what the command would
    print is captured from mkdocs' loggers (the hwsite plugin's path rewriting included)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    cwd = os.getcwd()
    try:
        os.chdir(config.parent)
        build(load_config(str(config), site_dir=str(site_dir), strict=strict))
        code = 0
    except (MkDocsException, SystemExit) as error:
        stream.write(f"ERROR   -  {error}\n")
        code = 1
    finally:
        os.chdir(cwd)
        logger.removeHandler(handler)
        logger.setLevel(level)
    return BuildResult(code, stream.getvalue())


def run_mkdocs_command(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` as editors run it (a new process: what reaches the terminal)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONWARNINGS": "ignore:pkg_resources is deprecated:DeprecationWarning"}  # as the Makefile
    args = [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)]
    return subprocess.run(args, cwd=config.parent, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built once per test session with a strict build."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr[-4000:]
    return site


@pytest.fixture(scope="session")
def offline_edition(tmp_path_factory) -> Path:
    """The offline edition (OFFLINE=true, opens from file://), built once per test session."""
    site = tmp_path_factory.mktemp("offline-edition") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OFFLINE", "true")
        result = run_mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr[-4000:]
    return site


FIXTURE_CONFIG = """\
site_name: Fixture
site_url: https://example.org/
docs_dir: docs
theme:
  name: material
  custom_dir: {root}/overrides
  font: false
  features: [navigation.instant]
plugins:
  - search:
      lang: [en, zh]
      separator: '[\\s\\u200b\\u3000\\-、。，．？！；：（）《》“”]+'
      jieba_dict_user: .cache/generated/jieba_user_dict.txt
  - i18n:
      docs_structure: folder
      fallback_to_default: true
      reconfigure_material: true
      reconfigure_search: false
      languages:
        - {{locale: en, default: true, name: English, build: true}}
        - {{locale: zh, name: 简体中文, build: true}}
  - hwsite:
      strings_dirs: [{root}/overrides/strings]
      glossary: {root}/scripts/data/glossary.yml
      sources: {root}/scripts/data/sources.yml
      parity_config: {root}/scripts/data/parity.yml
      languages:
        zh: {{html_lang: zh-Hans}}
markdown_extensions: [attr_list, admonition, tables, toc]
validation:
  links: {{not_found: warn, anchors: warn, unrecognized_links: warn}}
"""


# The site's Markdown extensions that a page body's changes depend on (mkdocs.yml).
BODY_EXTENSIONS = ["abbr", "attr_list", "md_in_html", "tables", "pymdownx.superfences", "toc"]


def render_page_body(text: str, extensions: tuple = (), **page) -> str:
    """A page's Markdown as the site renders its body: hwsite.page_body told about the page
    (PageBody fields; labels default to the English ones), toc permalinks as configured."""
    import markdown

    from hwsite import page_body

    body = page_body.PageBodyExtension()
    page.setdefault("copy_label", "Copy link to “{title}”")
    page.setdefault("link_label", "Link to this section")
    body.set_page(page_body.PageBody(**page))
    md = markdown.Markdown(extensions=[*BODY_EXTENSIONS, *extensions, body],
                           extension_configs={"toc": {"permalink": True, "permalink_title": ""}})
    return md.convert(text)


def write_fixture_site(tmp_path: Path, en: dict[str, str], zh: dict[str, str], nav: str = "") -> Path:
    """Write a tiny bilingual project using the real plugin and overrides; its mkdocs.yml."""
    project = tmp_path / "project"
    for tree, pages in (("docs", en), ("docs_zh", zh)):
        for rel, text in pages.items():
            path = project / tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = FIXTURE_CONFIG.format(root=ROOT) + nav
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project / "mkdocs.yml"


def build_fixture_site(tmp_path: Path, en: dict[str, str], zh: dict[str, str], nav: str = "") -> tuple[Path, BuildResult]:
    """Write a tiny bilingual project using the real plugin and overrides, build it."""
    config = write_fixture_site(tmp_path, en, zh, nav)
    site = config.parent / "site"
    return site, run_mkdocs_build(config, site)


class GitHubPagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like GitHub Pages: unknown paths get /404.html with status 404."""

    def log_message(self, *args):  # keep test output clean
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_directory(directory: Path):
    handler = functools.partial(GitHubPagesHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def site_url(real_site):
    server = serve_directory(real_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def goto_settled(page, url=None):
    """Go to url (reload the page when url is None), then wait for its load event and for
    500 ms without a request. Material's scripts start only when the parser reaches the end
    of the page (overrides/partials/late-scripts.html) and hold up the load event until the
    page is set up; Playwright's networkidle alone counts from the first response, so on a
    busy machine it can come before those scripts are even requested."""
    response = page.reload(wait_until="load") if url is None else page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return response


def address(page):
    """The page's address as the page itself sees it. Playwright's page.url follows
    history.replaceState through an event that can arrive after the next line runs."""
    return page.evaluate("location.href")


def open_page(context, url):
    """A new page of the context at url (set up, the network idle: goto_settled) that
    records every request it makes in page.hw_requests."""
    page = context.new_page()
    page.hw_requests = []
    page.on("request", lambda request: page.hw_requests.append(request.url))
    goto_settled(page, url)
    return page


@pytest.fixture(scope="session")
def browser():
    # fails, never skips: the browser tests are part of `make test` (requirements.txt has playwright)
    import playwright.sync_api as playwright_api
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (make test does)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (360 x 740, touch)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield context
    context.close()
