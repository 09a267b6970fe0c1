"""End-of-life dates of base images, by product and release cycle.

Each date is the day the last free upstream support ended (or will end): security
support for languages and databases, LTS for Debian, standard support for Ubuntu (ESM
is a paid add-on), the "End of support" column for Alpine. Sources, checked 2026-11:

- Python: https://devguide.python.org/versions/ (release-cycle.json)
- Node.js: https://github.com/nodejs/Release (odd releases end two months after the next
  even release becomes LTS-ready)
- Alpine: https://alpinelinux.org/releases/
- Debian: https://wiki.debian.org/LTS and https://wiki.debian.org/DebianReleases
- Ubuntu: https://wiki.ubuntu.com/Releases and https://ubuntu.com/about/release-cycle
- MongoDB: https://www.mongodb.com/legal/support-policy/lifecycles
- PostgreSQL: https://www.postgresql.org/support/versioning/
- collected through https://endoflife.date (python, nodejs, alpine-linux, debian, ubuntu,
  mongodb, postgresql)

Future dates are kept so the rule ages on its own: a scan on a later day flags more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_D = dt.date.fromisoformat

PRODUCT_TITLES = {
    "python": "Python", "node": "Node.js", "alpine": "Alpine Linux", "debian": "Debian",
    "ubuntu": "Ubuntu", "mongo": "MongoDB", "postgres": "PostgreSQL",
}

EOL: dict[str, dict[str, dt.date]] = {
    "python": {
        "2.6": _D("2013-10-29"), "2.7": _D("2020-01-01"), "3.3": _D("2017-09-29"),
        "3.4": _D("2019-03-18"), "3.5": _D("2020-09-30"), "3.6": _D("2021-12-23"),
        "3.7": _D("2023-06-27"), "3.8": _D("2024-10-07"), "3.9": _D("2025-10-31"),
        "3.10": _D("2026-10-31"), "3.11": _D("2027-10-31"), "3.12": _D("2028-10-31"),
        "3.13": _D("2029-10-31"), "3.14": _D("2030-10-31"),
    },
    "node": {
        "4": _D("2018-04-30"), "5": _D("2016-06-30"), "6": _D("2019-04-30"),
        "7": _D("2017-06-30"), "8": _D("2019-12-31"), "9": _D("2018-06-30"),
        "10": _D("2021-04-30"), "11": _D("2019-06-30"), "12": _D("2022-04-30"),
        "13": _D("2020-06-01"), "14": _D("2023-04-30"), "15": _D("2021-06-01"),
        "16": _D("2023-09-11"), "17": _D("2022-06-01"), "18": _D("2025-04-30"),
        "19": _D("2023-06-01"), "20": _D("2026-04-30"), "21": _D("2024-06-01"),
        "22": _D("2027-04-30"), "23": _D("2025-06-01"), "24": _D("2028-04-30"),
    },
    "alpine": {
        "3.0": _D("2016-05-01"), "3.1": _D("2016-11-01"), "3.2": _D("2017-05-01"),
        "3.3": _D("2017-11-01"), "3.4": _D("2018-05-01"), "3.5": _D("2018-11-01"),
        "3.6": _D("2019-05-01"), "3.7": _D("2019-11-01"), "3.8": _D("2020-05-01"),
        "3.9": _D("2020-11-01"), "3.10": _D("2021-05-01"), "3.11": _D("2021-11-01"),
        "3.12": _D("2022-05-01"), "3.13": _D("2022-11-01"), "3.14": _D("2023-05-01"),
        "3.15": _D("2023-11-01"), "3.16": _D("2024-05-23"), "3.17": _D("2024-11-22"),
        "3.18": _D("2025-05-09"), "3.19": _D("2025-11-01"), "3.20": _D("2026-04-01"),
        "3.21": _D("2026-11-01"), "3.22": _D("2027-05-01"), "3.23": _D("2027-11-01"),
    },
    "debian": {
        "7": _D("2018-05-31"), "8": _D("2020-06-30"), "9": _D("2022-06-30"),
        "10": _D("2024-06-30"), "11": _D("2026-08-31"), "12": _D("2028-06-30"),
        "13": _D("2030-06-30"),
    },
    "ubuntu": {
        "12.04": _D("2017-04-28"), "14.04": _D("2019-04-02"), "16.04": _D("2021-04-02"),
        "18.04": _D("2023-05-31"), "18.10": _D("2019-07-18"), "19.04": _D("2020-01-23"),
        "19.10": _D("2020-07-06"), "20.04": _D("2025-05-31"), "20.10": _D("2021-07-22"),
        "21.04": _D("2022-01-20"), "21.10": _D("2022-07-14"), "22.04": _D("2027-04-01"),
        "22.10": _D("2023-07-20"), "23.04": _D("2024-01-20"), "23.10": _D("2024-07-12"),
        "24.04": _D("2029-05-31"), "24.10": _D("2025-07-10"), "25.04": _D("2026-01-17"),
        "25.10": _D("2026-07-01"), "26.04": _D("2031-04-30"),
    },
    "mongo": {
        "3.0": _D("2018-02-28"), "3.2": _D("2018-09-30"), "3.4": _D("2020-01-31"),
        "3.6": _D("2021-04-30"), "4.0": _D("2022-04-30"), "4.2": _D("2023-04-30"),
        "4.4": _D("2024-02-29"), "5.0": _D("2024-10-31"), "6.0": _D("2025-07-31"),
        "7.0": _D("2027-08-31"), "8.0": _D("2029-10-31"),
    },
    "postgres": {
        "9.4": _D("2020-02-13"), "9.5": _D("2021-02-11"), "9.6": _D("2021-11-11"),
        "10": _D("2022-11-10"), "11": _D("2023-11-09"), "12": _D("2024-11-14"),
        "13": _D("2025-11-13"), "14": _D("2026-11-12"), "15": _D("2027-11-11"),
        "16": _D("2028-11-09"), "17": _D("2029-11-08"),
    },
}

# Tags that name a release by codename rather than number.
CODENAMES: dict[str, dict[str, str]] = {
    "debian": {"wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
               "bookworm": "12", "trixie": "13"},
    "ubuntu": {"precise": "12.04", "trusty": "14.04", "xenial": "16.04", "bionic": "18.04",
               "focal": "20.04", "jammy": "22.04", "noble": "24.04"},
    "node": {"argon": "4", "boron": "6", "carbon": "8", "dubnium": "10", "erbium": "12",
             "fermium": "14", "gallium": "16", "hydrogen": "18", "iron": "20", "jod": "22",
             "krypton": "24"},
}

# A major-only tag (``python:2``, ``mongo:4``) follows that major's last release cycle.
MAJOR_ONLY = {
    "python": {"2": "2.7"},
    "mongo": {"3": "3.6", "4": "4.4", "5": "5.0", "6": "6.0", "7": "7.0", "8": "8.0"},
}


@dataclass(frozen=True, slots=True)
class Release:
    product: str
    cycle: str
    eol: dt.date

    @property
    def title(self) -> str:
        return f"{PRODUCT_TITLES.get(self.product, self.product)} {self.cycle}"


def lookup(product: str, cycle: str) -> Release | None:
    cycle = MAJOR_ONLY.get(product, {}).get(cycle, cycle)
    date = EOL.get(product, {}).get(cycle)
    return Release(product, cycle, date) if date else None
