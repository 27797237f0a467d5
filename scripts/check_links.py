"""Check every link, image, script, stylesheet, CSS url() and redirect of the built site
(internal targets, anchors, case, language), and optionally external URLs."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from hwsite import links
from hwsite.links import external
from hwsite.parallel import default_jobs

EPILOG = """\
what is checked:
  a/area[href], link[href], img/source[src,srcset], video[src,poster], audio/track/
  embed/iframe/script[src], object[data], <meta http-equiv=refresh> targets, url() and
  @import in the local stylesheets pages load. Targets are resolved as a case-sensitive
  static host serves them (dir/ -> dir/index.html, percent-encoded or raw Unicode paths,
  the site's base path); #fragments must name an element id or a[name].

finding kinds (error unless marked):
  missing-page, missing-asset, missing-anchor, wrong-case, outside-site (root-absolute
  link outside --base-path), switcher-mismatch (language selector or hreflang alternate
  not pointing at this page's translation), cross-language (warning: a link leaves the
  reader's language though the target exists in it; links with an hreflang attribute
  are meant to cross, and 404 pages are exempt), bad-mailto, bad-tel, file-url,
  unsafe-url (warning: javascript:), external-broken (--external: 4xx, bad TLS
  certificate), external-unreachable (warning, --external: timeout, refused, 5xx, 429).
  With --external the url of every entry of the source registry (--sources) is checked
  too; its findings name the registry file and the entry's url line. When no host name
  resolves (no network), the external check is skipped and the checker says so.
  data:, blob: and about: URLs are ignored.

base path and own host:
  --base-path wins; else the path of --site-url or of site_url in --config (default
  ./mkdocs.yml when it exists; !ENV tags read the environment as MkDocs does).
  http(s) links to site_url's host under that path are checked as internal links.

exit codes:
  0  no errors (warnings allowed unless --strict)
  1  broken links found (or warnings with --strict)
  2  bad input: SITE_DIR missing or not a built site (no index.html at its root),
     unreadable or non-UTF-8 file, malformed mkdocs.yml, malformed source registry;
     a file that cannot be read is named on stderr and the other pages are still
     checked and reported
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="check_links.py",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("site_dir", metavar="SITE_DIR", help="the built site (mkdocs build output)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="warnings also make exit code 1")
    p.add_argument("--base-path", help="path the site is served under, e.g. /healthwise/")
    p.add_argument("--config", type=Path,
                   help="mkdocs.yml to read site_url from (default: ./mkdocs.yml if present)")
    p.add_argument("--site-url", help="overrides site_url of the config")
    p.add_argument("--lang-prefix", action="append", metavar="DIR",
                   help="top-level directory of a translation (repeatable; default: zh)")
    p.add_argument("--jobs", type=int, default=0,
                   help="processes that parse and check pages (default 0: one per CPU, at "
                        "most 2; sites under 200 pages always use one)")
    g = p.add_argument_group("external links (never fetched unless --external)")
    g.add_argument("--list-external", action="store_true",
                   help="also list every external reference (http, mailto, tel, ...)")
    g.add_argument("--external", action="store_true", help="check http(s) URLs over the network")
    g.add_argument("--sources", type=Path,
                   help="source registry whose urls --external checks too (default: "
                        "./scripts/data/sources.yml if present)")
    g.add_argument("--cache", type=Path, default=Path(".cache/external-links.json"),
                   help="JSON cache of external results (default: %(default)s)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    g.add_argument("--cache-ttl", type=float, default=24.0, metavar="HOURS",
                   help="how long a result stays valid (default %(default)s; failures that "
                        "may be transient at most 1)")
    g.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")
    g.add_argument("--retries", type=int, default=2,
                   help="retries on timeouts, 429 and 5xx, with exponential backoff")
    g.add_argument("--workers", type=int, default=8, help="requests in flight")
    g.add_argument("--per-host-delay", type=float, default=0.5, metavar="SECONDS",
                   help="minimum time between two requests to one host")
    g.add_argument("--backoff", type=float, default=1.0, metavar="SECONDS",
                   help="first retry wait, doubled each retry (Retry-After wins)")
    g.add_argument("--max-retry-after", type=float, default=30.0, metavar="SECONDS",
                   help="cap on any wait before a retry")
    return p


def _config(args: argparse.Namespace) -> links.SiteConfig:
    site_url = args.site_url
    if site_url is None:
        config_path = args.config
        if config_path is None and Path("mkdocs.yml").is_file():
            config_path = Path("mkdocs.yml")
        if config_path is not None:
            if not config_path.is_file():
                raise links.BadInput(f"{config_path}: no such file")
            site_url = links.read_site_url(config_path)
    return links.make_config(site_url, args.base_path,
                             args.lang_prefix or links.DEFAULT_LANG_PREFIXES)


def _registry_refs(path: Path | None) -> list[links.ExternalRef]:
    """The url of every registry entry as an external reference (page: the registry
    file, line: the url line). Raises RegistryError for a malformed registry."""
    if path is None:
        path = Path("scripts/data/sources.yml")
        if not path.is_file():
            return []
    # Imported here: the registry brings the content lint's modules, a third of this
    # tool's start-up, and only --external needs it.
    from hwsite.sources.registry import load_registry
    registry = load_registry(path, str(path))
    return [links.ExternalRef(entry.url, entry.url, str(path), entry.line_of("url"), None)
            for entry in registry if entry.url and entry.url.startswith(("http://", "https://"))]


def _external_listing(refs: list[links.ExternalRef]) -> list[dict]:
    by_url: dict[str, list[links.ExternalRef]] = defaultdict(list)
    for ref in refs:
        by_url[ref.url].append(ref)
    return [
        {"url": url,
         "references": [{"page": r.page, "line": r.line, "href": r.href}
                        for r in sorted(by_url[url], key=lambda r: (r.page, r.line))]}
        for url in sorted(by_url)
    ]


def render_text(report: links.Report, listing: list[dict] | None) -> str:
    # One group per page, named by its Markdown source when it has one. (A source can
    # build two pages: an untranslated page falls back to the English text under zh/.)
    groups: dict[tuple[str, str], list[links.Finding]] = defaultdict(list)
    for f in report.findings:
        groups[(f.source or f.page, f.page)].append(f)
    out = []
    for key, page in sorted(groups):
        out.append(key if key == page else f"{key} ({page})")
        for f in groups[(key, page)]:
            line = f"  {f.line}: {f.kind} {f.href}"
            out.append(line + (f" -> {f.hint}" if f.hint else ""))
    if listing is not None:
        out.append(f"external references ({len(listing)} URLs):")
        for item in listing:
            out.append(f"  {item['url']}")
            out.extend(f"      {r['page']}:{r['line']}" for r in item["references"])
    errors = sum(f.severity == links.ERROR for f in report.findings)
    warnings = len(report.findings) - errors
    out.append(f"{report.pages} pages, {report.links} links: "
               f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = _config(args)
        report = links.check_site(args.site_dir, config, jobs=args.jobs or default_jobs(),
                                  collect_external=args.external or args.list_external)
    except links.BadInput as exc:
        print(f"check_links: {exc}", file=sys.stderr)
        return 2
    if args.external:
        opts = external.CheckOptions(
            timeout=args.timeout, retries=max(0, args.retries), workers=args.workers,
            per_host_delay=args.per_host_delay, backoff=args.backoff,
            max_retry_after=args.max_retry_after, ttl_hours=args.cache_ttl)
        from hwsite.sources.registry import RegistryError
        try:
            registry_refs = _registry_refs(args.sources)
        except RegistryError as exc:
            print(f"check_links: {exc}", file=sys.stderr)
            return 2
        fetch = [r for r in report.external if external.fetchable(r)] + registry_refs
        urls = sorted({external.strip_fragment(r.url) for r in fetch})
        if not external.network_available(urls, timeout=min(args.timeout, 5.0)):
            print(f"check_links: no network (no host name resolves): skipped the external "
                  f"check of {len(urls)} URLs ({len(registry_refs)} from the source "
                  f"registry)", file=sys.stderr)
            fetch = []
        cache = None if args.no_cache else external.load_cache(args.cache)
        results = external.check_urls(
            (external.strip_fragment(r.url) for r in fetch), opts, cache) if fetch else {}
        if cache is not None and fetch:
            try:
                external.save_cache(args.cache, cache)
            except OSError as exc:  # a cache is an optimisation: report, do not fail
                print(f"check_links: cannot write cache {args.cache}: {exc}", file=sys.stderr)
        report.findings = links.sort_findings(
            report.findings + external.url_findings(fetch, results))
    listing = _external_listing(report.external) if args.list_external else None
    if args.format == "json":
        data = {"pages": report.pages, "links": report.links,
                "findings": [f.as_dict() for f in report.findings]}
        if listing is not None:
            data["external"] = listing
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(report, listing))
    for message in report.unreadable:
        print(f"check_links: {message}", file=sys.stderr)
    if report.unreadable:
        return 2
    failing = [f for f in report.findings if f.severity == links.ERROR or args.strict]
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
