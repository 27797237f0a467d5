"""The built-site link checker: parse every page once, then resolve every reference a
reader's browser would follow or load the way a static host serves the site.

- config: SiteConfig, make_config(), read_site_url() (site_url of mkdocs.yml)
- parse: the ids and references of one page (srcset, meta refresh) or stylesheet;
  lines: where each attribute value is in the raw HTML
- resolve: Site, where a reference leads (URL joining, case, base path, languages)
- hints: the "did you mean" of a finding
- check: check_site(), the walk over the whole site (batches, worker processes)
- report: Finding, Report, ExternalRef, BadInput, the kinds and their severities
- external: mailto:/tel: syntax, fetching http(s) URLs, their findings

Pure except check.check_site() (reads the built site), config.read_site_url() (reads
mkdocs.yml) and the fetching in external. The CLI is scripts/check_links.py.
"""

from hwsite.links.check import check_site
from hwsite.links.config import DEFAULT_LANG_PREFIXES, SiteConfig, make_config, read_site_url
from hwsite.links.parse import (ALT, NAV, SWITCH, XLANG, parse_css, parse_page, parse_refresh,
                                parse_srcset)
from hwsite.links.report import ERROR, BadInput, ExternalRef, Finding, Report, sort_findings
from hwsite.links.resolve import Site

__all__ = [
    "ALT", "DEFAULT_LANG_PREFIXES", "ERROR", "NAV", "SWITCH", "XLANG", "BadInput",
    "ExternalRef", "Finding", "Report", "Site", "SiteConfig", "check_site", "make_config",
    "parse_css", "parse_page", "parse_refresh", "parse_srcset", "read_site_url",
    "sort_findings",
]
