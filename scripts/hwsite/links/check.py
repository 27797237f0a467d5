"""The site walk: list the built site's files, parse each page once (in batches, in worker
processes on large sites), resolve every reference right away, check fragments of other
pages and the stylesheets pages load at the end, and return the Report."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from hwsite.links.config import SiteConfig
from hwsite.links.external import validate_mailto, validate_tel
from hwsite.links.hints import PathHints, closest_id, suggest_href
from hwsite.links.parse import ALT, NAV, SWITCH, URL_WS, XLANG, PageData, Ref, parse_css, parse_page
from hwsite.links.report import BadInput, ExternalRef, Finding, Report, sort_findings
from hwsite.links.resolve import PageCtx, Site, Target, fragment_ok, is_page_path
from hwsite.parallel import map_chunks_in_processes

# A reference to a fragment of another page, checked once every page's ids are known:
# (ctx, *ref, *target). Plain tuples because they travel back from worker processes,
# and pickling named tuples costs several times more.
_Pending = tuple


@dataclass
class _Partial:
    """What checking a batch of pages produces; batches from worker processes are merged."""

    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # page -> meta-refresh target
    findings: list[Finding] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    external: list[ExternalRef] = field(default_factory=list)
    stylesheets: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)  # BadInput messages of skipped files
    links: int = 0

    def merge(self, other: _Partial) -> None:
        self.ids.update(other.ids)
        self.redirects.update(other.redirects)
        self.findings += other.findings
        self.pending += other.pending
        self.external += other.external
        self.stylesheets |= other.stylesheets
        self.unreadable += other.unreadable
        self.links += other.links


class _Checker:
    """Checks pages one by one into self.out; one per batch of pages."""

    def __init__(self, site: Site, collect_external: bool = True, root: str = "."):
        self.site = site
        self.hints = PathHints(site.files, site.pages)
        self.collect_external = collect_external
        self.root = root
        self.out = _Partial()
        self._page: PageData | None = None  # the page being checked
        self._lines: dict[str, list[int]] = {}  # page -> line of each reference, when needed

    def line(self, ctx: PageCtx, ref: Ref) -> int:
        """The line of a reference. Pages are parsed without lines (finding them costs half
        a parse); the few references that are reported get theirs here: from the page
        being checked, or, for a fragment checked at the end, by parsing its page again."""
        if ref.index < 0:
            return ref.line
        lines = self._lines.get(ctx.path)
        if lines is None:
            page = self._page
            if page is None or page.path != ctx.path:
                page = parse_page(ctx.path, _read_text(os.path.join(self.root, ctx.path)), lines=False)
            lines = self._lines[ctx.path] = page.ref_lines()
        return lines[ref.index]

    def emit(self, kind: str, ctx: PageCtx, ref: Ref, hint: str | None) -> None:
        self.out.findings.append(
            Finding.of(ctx.path, self.line(ctx, ref), kind, ref.href, hint, ctx.source))

    def suggest(self, page: str, target: str, form: str, href: str,
                fragment: str | None = None) -> str:
        return suggest_href(self.site.config, page, target, form, href, fragment)

    def check_page(self, path: str, text: str, raw: bytes | None = None) -> None:
        data = self._page = parse_page(path, text, lines=False, raw=raw)
        site = self.site
        ctx = site.page_ctx(path, data.source, data.base_href)
        self.out.ids[path] = data.ids
        if data.refresh is not None:
            t = site.resolve(ctx.base_url, data.refresh)
            if t.status == "ok" and t.path in site.pages and t.path != path:
                self.out.redirects[path] = t.path
        ids_of = {path: data.ids}.get
        self.out.links += len(data.refs)
        for ref in data.refs:
            self.check_ref(ctx, ref, ids_of)
        self._page = None
        self._lines.pop(path, None)

    def check_stylesheet(self, path: str, text: str) -> None:
        ctx = self.site.page_ctx(path)
        refs = parse_css(text)
        self.out.links += len(refs)
        for ref in refs:
            self.check_ref(ctx, ref, lambda p: None)

    def check_ref(self, ctx: PageCtx, ref: Ref, ids_of) -> None:
        """Resolve one reference; ids_of(page) gives the ids of pages already parsed."""
        site = self.site
        href = ref.href
        if href[:1] == "#" and ctx.own_url:
            t = Target("ok", ctx.path, None, href[1:], None, "relative")
        else:
            t = site.resolve(ctx.base_url, href, ctx.doc)
        status = t.status
        if status == "ok":
            target = t.path
            lang = site.page_lang.get(target)
            if lang is None:  # not a page
                if target.endswith(".css"):
                    self.out.stylesheets.add(target)
                return
            if t.fragment:
                ids = ids_of(target)
                if ids is None:
                    self.out.pending.append((ctx, *ref, *t))
                    return
                if not fragment_ok(t.fragment, ids):
                    self.missing_anchor(ctx, ref, t, ids)
                    return
            if ref.role == NAV and (ctx.skip_lang or lang == ctx.lang):
                return  # the common case: a page in the reader's own language
            self.check_language(ctx, ref, t, ids_of)
            return
        if status == "ignore":
            return
        if status in ("mailto", "tel", "external"):
            problem = None
            if status == "mailto":
                problem = validate_mailto(t.url)
            elif status == "tel":
                problem = validate_tel(t.url)
            if problem:
                self.emit(f"bad-{status}", ctx, ref, problem)
            if self.collect_external:
                self.out.external.append(
                    ExternalRef(ref.href, t.url, ctx.path, self.line(ctx, ref), ctx.source))
            return
        if status == "javascript":
            self.emit("unsafe-url", ctx, ref, "javascript: URLs do nothing without scripts")
        elif status == "file":
            self.emit("file-url", ctx, ref, "file: URLs point at the author's own disk")
        elif status == "outside":
            found, inside = site.lookup(t.query)
            if found == "ok":
                sugg = self.suggest(ctx.path, inside, "root", ref.href, t.fragment)
                hint = f"did you mean {sugg}?"
            else:
                hint = f"not under the site's base path {site.config.base_path}"
            self.emit("outside-site", ctx, ref, hint)
        elif status == "wrong-case":
            sugg = self.suggest(ctx.path, t.path, t.form, ref.href, t.fragment)
            self.emit("wrong-case", ctx, ref, f"did you mean {sugg}?")
        elif status == "missing":
            page_like = is_page_path(t.query)
            best = self.hints.closest_file(t.query, page_like)
            hint = None
            if best is not None:
                hint = f"did you mean {self.suggest(ctx.path, best, t.form, ref.href)}?"
            self.emit("missing-page" if page_like else "missing-asset", ctx, ref, hint)

    def missing_anchor(self, ctx: PageCtx, ref: Ref, t: Target, ids: frozenset[str]) -> None:
        best = closest_id(t.fragment, ids)
        hint = None
        if best is not None:
            head = ref.href.strip(URL_WS).partition("#")[0]
            hint = f"did you mean {head}#{best}?"
        self.emit("missing-anchor", ctx, ref, hint)

    def check_language(self, ctx: PageCtx, ref: Ref, t: Target, ids_of) -> None:
        """Language rules for a reference that reached an existing page."""
        site = self.site
        target = t.path
        if ctx.skip_lang:
            return
        if ref.role == SWITCH or ref.role == ALT:
            lang = site.lang_for_hreflang(ref.hreflang or "")
            if lang is None:
                return
            expected = site.in_lang(ctx.path, lang)
            if expected in site.pages and target != expected:
                hint = f"did you mean {self.suggest(ctx.path, expected, t.form, ref.href)}?"
                self.emit("switcher-mismatch", ctx, ref, hint)
            return
        if ref.role == XLANG or site.lang_of(target) == ctx.lang:
            return
        counterpart = site.in_lang(target, ctx.lang)
        if counterpart in site.pages:
            frag = t.fragment
            if frag:
                ids = ids_of(counterpart)
                if ids is None or not fragment_ok(frag, ids):
                    frag = None
            hint = f"did you mean {self.suggest(ctx.path, counterpart, t.form, ref.href, frag)}?"
            self.emit("cross-language", ctx, ref, hint)

    def finish_pending(self) -> None:
        all_ids, redirects = self.out.ids, self.out.redirects
        site_lang = self.site.lang_of

        def ids_of(page: str) -> frozenset[str] | None:
            # A link to a redirect page lands on the redirect's target.
            return all_ids.get(redirects.get(page, page))

        pending, self.out.pending = self.out.pending, []
        for ctx, *fields in pending:
            ref, t = Ref(*fields[:5]), Target(*fields[5:])
            ids = ids_of(t.path)
            if ids is not None and not fragment_ok(t.fragment, ids):
                self.missing_anchor(ctx, ref, t, ids)
            elif ref.role != NAV or (not ctx.skip_lang and site_lang(t.path) != ctx.lang):
                self.check_language(ctx, ref, t, ids_of)


def list_files(site_dir: str, bad_names: list[str] | None = None) -> list[str]:
    """Every file under site_dir as a POSIX path relative to it. A file whose name is not
    UTF-8 is left out (no URL reaches it) and named in bad_names; without bad_names it
    raises BadInput."""
    out = []
    for root, dirs, files in os.walk(site_dir):
        dirs.sort()
        rel = os.path.relpath(root, site_dir)
        rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in sorted(files):
            path = rel + name
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                # os.walk smuggles undecodable bytes in as surrogates; no URL reaches them.
                message = f"{os.path.join(root, name)!r}: file name is not UTF-8"
                if bad_names is None:
                    raise BadInput(message) from None
                bad_names.append(message)
                continue
            out.append(path)
    return out


def _read(full: str) -> tuple[bytes, str]:
    """The file's bytes and its text; BadInput naming the line of any byte that is not
    UTF-8."""
    try:
        with open(full, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise BadInput(f"{full}: cannot read: {exc.strerror or exc}") from exc
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInput(f"{full}:{line}: not valid UTF-8 ({exc.reason})") from exc


def _read_text(full: str) -> str:
    return _read(full)[1]


def _check_batch(args: tuple[str, Site, list[str], bool]) -> _Partial:
    root, site, paths, collect_external = args
    checker = _Checker(site, collect_external, root)
    for path in paths:
        try:
            raw, text = _read(os.path.join(root, path))
        except BadInput as exc:
            # reported with the other pages' findings; links into it are not checked
            checker.out.unreadable.append(str(exc))
            continue
        checker.check_page(path, text, raw)
    return checker.out


def check_site(site_dir: str | os.PathLike, config: SiteConfig | None = None,
               jobs: int = 1, collect_external: bool = True) -> Report:
    """Check every page of the built site in site_dir; external URLs are only collected
    (into Report.external, unless collect_external is false).

    Each page is parsed once and its references resolved right away against the file
    list; only ids and references to other pages' fragments are kept until the end.
    """
    root = os.fspath(site_dir)
    if not os.path.isdir(root):
        raise BadInput(f"{root}: no such directory")
    if not os.path.isfile(os.path.join(root, "index.html")):
        raise BadInput(f"{root}: not a built site (no index.html at its root)")
    bad_names: list[str] = []
    site = Site(list_files(root, bad_names), config or SiteConfig())
    paths = sorted(site.pages)
    main = _Checker(site, collect_external, root)
    # pages in batches, in worker processes on a large site (hwsite.parallel: forked, so the
    # workers get the site as it is in memory, without pickling it)
    for part in map_chunks_in_processes(lambda batch: _check_batch((root, site, batch, collect_external)),
                                        paths, jobs):
        main.out.merge(part)
    done: set[str] = set()
    while main.out.stylesheets - done:
        path = min(main.out.stylesheets - done)
        done.add(path)
        try:
            main.check_stylesheet(path, _read_text(os.path.join(root, path)))
        except BadInput as exc:
            main.out.unreadable.append(str(exc))
    main.finish_pending()
    # Stable sort: references on one line stay in document order.
    external = sorted(main.out.external, key=lambda r: (r.page, r.line))
    return Report(len(paths), main.out.links, sort_findings(main.out.findings), external,
                  bad_names + sorted(main.out.unreadable))
