"""Ruby's ``Time.parse``, as Jekyll reads a page's ``date:``.

Jekyll stops a whole build on a ``date:`` that Ruby's ``Time.parse`` refuses ("Invalid
date"), and reads the rest as loosely as Ruby does (``March 2024`` is 1 March). So that
``kg validate`` says exactly which dates stop Jekyll, :func:`time_problem` is that
reading in Python: ``Time.parse`` (time.rb, Ruby 3.1) over ``Date._parse``
(ext/date/date_parse.c of the date gem 3.2.2, without TIGHT_PARSER). Ruby's ``\\d`` and
``\\s`` are ASCII, its ``\\b`` and ``[[:alpha:]]`` Unicode (as Python's are without
``re.ASCII``). Each parser replaces what it matched by a space. Checked against Ruby
3.1 on generated text (``tests/test_site_jekyll_fidelity.py``).
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

_RB_S = r"[ \t\n\v\f\r]"
_RB_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_RB_ERA = r"(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?"
# the offsets each zone's name (upper case) has on 1 January or 1 July, by year
_RB_NAMED: dict[int, dict[str, set[int]]] = {}


def _rb(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """A regular expression of date_parse.c in Python's terms (``ALPHA``: ``[[:alpha:]]``)."""
    return re.compile(pattern.replace(r"\s", _RB_S).replace(r"\d", "[0-9]").replace("ALPHA", r"[^\W\d_]"), flags)


_RB_DAY = _rb(r"\b(sun|mon|tue|wed|thu|fri|sat)[^-/0-9 \t\n\v\f\r]*")
_RB_TIME = _rb(r"((?:\d+\s*:\s*\d+(?:\s*:\s*\d+(?:[,.]\d*)?)?|\d+\s*h(?:\s*\d+m?(?:\s*\d+s?)?)?)"
               r"(?:\s*[ap](?:m\b|\.m\.))?|\d+\s*[ap](?:m\b|\.m\.))"
               r"(?:\s*((?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?"
               r"|(?:ALPHA|[. \t\n\v\f\r])+(?:standard|daylight)\stime\b|ALPHA+(?:\sdst)?\b))?")
_RB_CLOCK = _rb(r"(\d+)h?(?:\s*:?\s*(\d+)m?(?:\s*:?\s*(\d+)(?:[,.](\d+))?s?)?)?(?:\s*([ap])(?:m\b|\.m\.))?")
_RB_EU = _rb(rf"('?\d+)[^-0-9 \t\n\v\f\r]*\s*({_RB_MONTHS})[^-0-9 \t\n\v\f\r']*"
             rf"(?:\s*{_RB_ERA}\s*('?-?\d+(?:(?:st|nd|rd|th)\b)?))?")
_RB_US = _rb(rf"\b({_RB_MONTHS})[^-0-9 \t\n\v\f\r']*\s*('?\d+)[^-0-9 \t\n\v\f\r']*"
             rf"(?:\s*,?\s*{_RB_ERA}\s*('?-?\d+))?")
_RB_ISO = _rb(r"('?[-+]?\d+)-(\d+)-('?-?\d+)", 0)
_RB_JIS = _rb(r"\b([mtshr])(\d+)\.(\d+)\.(\d+)")
_RB_VMS11 = _rb(rf"('?-?\d+)-({_RB_MONTHS})[^-/.]*-('?-?\d+)")
_RB_VMS12 = _rb(rf"\b({_RB_MONTHS})[^-/.]*-('?-?\d+)(?:-('?-?\d+))?")
_RB_SLA = _rb(r"('?-?\d+)/\s*('?\d+)(?:[^0-9]\s*('?-?\d+))?")
_RB_DOT = _rb(r"('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)")
_RB_ISO21 = _rb(r"\b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b")
_RB_ISO22 = _rb(r"-w-(\d)\b")
_RB_ISO23 = _rb(r"--(\d{2})?-(\d{2})\b", 0)
_RB_ISO24 = _rb(r"--(\d{2})(\d{2})?\b", 0)
_RB_ISO25_NOT = _rb(r"[,.](\d{2}|\d{4})-\d{3}\b", 0)
_RB_ISO25 = _rb(r"\b(\d{2}|\d{4})-(\d{3})\b", 0)
_RB_ISO26_NOT = _rb(r"\d-\d{3}\b", 0)
_RB_ISO26 = _rb(r"\b-(\d{3})\b", 0)
_RB_YEAR = _rb(r"'(\d+)\b", 0)
_RB_MON = _rb(rf"\b({_RB_MONTHS})[^ \t\n\v\f\r]*")
_RB_MDAY = _rb(r"(\d+)(st|nd|rd|th)\b")
_RB_DDD = _rb(r"([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?"
              r"(?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?")
_RB_BC = _rb(r"\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)")
_RB_FRAG = _rb(r"\A\s*(\d{1,2})\s*\Z")
# time.rb's Time::ZoneOffset, in hours
_RB_ZONES = {"UTC": 0, "Z": 0, "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
             "MDT": -6, "PST": -8, "PDT": -7, **{c: i + 1 for i, c in enumerate("ABCDEFGHIKLM")},
             **{c: -i - 1 for i, c in enumerate("NOPQRSTUVWXY")}}


def time_problem(text: str, now: tuple[int, int, int, int, int, int],
                     local: int | None = None) -> tuple[str, Any] | None:
    """Why Ruby's ``Time.parse(text)`` raises, as ``(what, detail)``, or ``None`` when it
    reads the text; ``now`` (year, month, day, hour, minute, second) fills in what the text
    leaves out, ``local`` is the offset of a zone named by letters Ruby does not know (the
    site's own, if named so; else, ``None``, such a zone is no offset). ``what`` is
    ``length`` (the bytes), ``nothing``, ``yday`` (the day of the year), ``offset`` (the
    zone) or the field out of range, ``mon``, ``mday``, ``hour``, ``min`` or ``sec`` (its value)."""
    if len(text.encode("utf-8")) > 128:  # (Date._parse's limit)
        return "length", len(text.encode("utf-8"))
    try:
        h = _rb_date_parse(text)
    except OverflowError:  # (an hour past 2**31 before am or pm: a RangeError)
        return "hour", None
    return _time_problem(h, now, local)


def _time_problem(h: dict[str, Any], now: tuple[int, int, int, int, int, int],
                  local: int | None) -> tuple[str, Any] | None:
    """:func:`time_problem` of the fields ``h`` Ruby's ``Date._parse`` found."""
    fields = [h.get(k) for k in ("year", "mon", "mday", "hour", "min", "sec")]
    yday = h.get("yday")
    if all(v is None for v in fields) and yday is None and "sec_fraction" not in h:
        return "nothing", None
    zone = h.get("zone")
    off = None if zone is None else _rb_zone_offset(zone, local)
    off_year = fields[0] if fields[0] is not None else now[0]
    if yday is not None and not 1 <= yday <= 366:
        return "yday", yday
    if off is not None and not -86400 < off < 86400:  # (now.getlocal(off))
        return "offset", zone
    if yday is not None:  # (make_time: the month and day of the day of the year, then corrected)
        mon, day = divmod(yday - 1, 31)
        fields[1:3] = mon + 1, day + 1
        problem, at = _rb_make_time(fields, off, now)
        if problem is not None:
            return problem
        diff = yday - at.timetuple().tm_yday
        if diff == 0:
            return None
        fields[2] += diff
        mday = _rb_month_days(off_year, fields[1]) or 0
        if fields[2] > 28 and fields[2] > mday:
            fields[1] += 1
            if fields[1] > 12:
                return "yday", yday
            fields[2] -= mday
    return _rb_make_time(fields, off, now)[0]


def ruby_time(text: str, now: tuple[int, int, int, int, int, int],
              local: dt.tzinfo | None = None) -> dt.datetime | None:
    """The time Ruby's ``Time.parse(text)`` gives (Jekyll's reading of a ``date:``), with
    the offset of a zone it knows (``EDT``, ``-04:00``), else without one (the local
    zone's: the site's); ``None`` when Ruby refuses the text (see :func:`time_problem`),
    it gives a day of the year (``2024-060``), or its year is outside 1..9999. The fields
    before the first one the text gives are ``now``'s, those after it the least
    (``March 2024`` is 1 March, 00:00); a day past the end of its month runs on into the
    next, as Ruby's does.

    ``local`` is the local zone (the site's ``timezone:``): Ruby takes a zone named by
    letters it does not know itself for the local zone when it is the local zone's name
    on 1 January or 1 July of the year, with that day's offset, whatever the season of
    the text: in London, ``2020-03-12 00:30 BST`` is 00:30 at +01:00 (23:30 on 11 March,
    GMT), not 00:30 GMT."""
    if len(text.encode("utf-8")) > 128:
        return None
    try:
        h = _rb_date_parse(text)
    except OverflowError:
        return None
    return _ruby_time(h, now, local)


def _ruby_time(h: dict[str, Any], now: tuple[int, int, int, int, int, int],
               local: dt.tzinfo | None) -> dt.datetime | None:
    """:func:`ruby_time` of the fields ``h`` Ruby's ``Date._parse`` found."""
    zone = h.get("zone")
    local_off = None if zone is None else \
        _rb_local_offset(zone, h["year"] if h.get("year") is not None else now[0], local)
    if _time_problem(h, now, local_off) is not None or h.get("yday") is not None:
        return None
    fields = [h.get(k) for k in ("year", "mon", "mday", "hour", "min", "sec")]
    for i, v in enumerate(now):
        if fields[i] is not None:
            break
        fields[i] = v
    year, mon, day, hour, mi, sec = (v if v is not None else (1 if i < 3 else 0) for i, v in enumerate(fields))
    if not 1 <= year <= 9999:
        return None
    try:
        t = dt.datetime(year, mon, 1) + dt.timedelta(days=day - 1, hours=hour, minutes=mi, seconds=sec)
    except (ValueError, OverflowError):
        return None
    off = None if zone is None else _rb_zone_offset(zone, local_off)
    return t if off is None else t.replace(tzinfo=dt.timezone(dt.timedelta(seconds=off)))


def _rb_local_offset(zone: str, year: int, local: dt.tzinfo | None) -> int | None:
    """The last tries of ``Time.zone_offset(zone, year)``: the offset of the ``local``
    zone on 1 January of ``year``, else on 1 July, when ``zone`` is its name that day."""
    if local is None or not re.fullmatch("[A-Za-z]+", zone):
        return None
    for month in (1, 7):
        try:
            at = dt.datetime(year, month, 1, tzinfo=local)
            if (at.tzname() or "").upper() == zone.upper():
                return int(at.utcoffset().total_seconds())
        except (OverflowError, ValueError):
            continue
    return None


def written_time(text: str) -> dt.date | dt.datetime | None:
    """The day a text writes in full, year, month and day, in any way Ruby's ``Time.parse``
    reads ("September 8, 2014", "8 Sep 2014", "2016-03-21 12:00 EDT"), with its time
    when it gives one (see :func:`ruby_time`); ``None`` for text that leaves out the
    year, the month or the day ("March 2024", which Ruby takes as 1 March), gives a day
    past the end of its month (``2025-02-30``), or is no date."""
    return written_time_and_rest(text)[0]


def written_time_and_rest(text: str) -> tuple[dt.date | dt.datetime | None, str]:
    """:func:`written_time`, and what Ruby's parsers left of the text: each part of it
    they read (a day of the week, a time and its zone, a date, an era) is a space, as is
    each run of characters other than letters, digits and ``-+',./:@[]``
    (``"Postponed (was 12 March 2020)"``: ``"Postponed was "`` and spaces); the whole
    text when it is too long to read (over 128 bytes). A word Ruby takes for the zone
    after a time is left too when it is no zone's name, neither one Ruby knows nor one of
    Python's zones on 1 January or 1 July of the year (``TBC`` of ``6pm TBC``, which Ruby
    ignores as it ignores a zone it does not know; not ``EDT``, ``BST``, ``CEST``)."""
    if len(text.encode("utf-8")) > 128:
        return None, text
    try:
        h, rest = _rb_date_parse_rest(text)
    except OverflowError:
        return None, text
    if h.get("year") is None or h.get("mon") is None or h.get("mday") is None:
        return None, rest
    t = _ruby_time(h, (h["year"], 1, 1, 0, 0, 0), None)
    if t is None or t.day != h["mday"]:   # (2025-02-30, which Ruby runs on into March: a slip, said as one)
        return None, rest
    zone = h.get("zone")
    if zone is not None and _rb_zone_offset(zone, None) is None:
        names = _rb_zone_names(h["year"])
        if names and zone.upper() not in names:
            rest += " " + zone
    timed = any(h.get(k) is not None for k in ("hour", "min", "sec", "zone"))
    return (t if timed else t.date()), rest


def _rb_date_parse(text: str) -> dict[str, Any]:
    """``Date._parse(text)`` (2-digit years completed), but for the zone's offset, which
    ``Time.parse`` reads itself: the fields found, as Ruby finds them."""
    return _rb_date_parse_rest(text)[0]


def _rb_date_parse_rest(text: str) -> tuple[dict[str, Any], str]:
    """:func:`_rb_date_parse`, and the text left when each part the parsers read is a space."""
    # each run of characters that are neither letters, digits nor -+',./:@[] is a space
    s = re.sub("\0+", " ", "".join(c if c.isalpha() or c.isdecimal() or c in "-+',./:@[]" else "\0" for c in text))
    h: dict[str, Any] = {"_comp": True}

    def has(*what: str) -> bool:  # (check_class: ASCII letters and digits, - . /, in what is left)
        return all(re.search("[A-Za-z]" if w == "alpha" else "[0-9]" if w == "digit" else re.escape(w), s)
                   for w in what)

    def sub(pattern: re.Pattern[str]) -> re.Match[str] | None:
        nonlocal s
        m = pattern.search(s)
        if m is not None:
            s = s[:m.start()] + " " + s[m.end():]
        return m

    if has("alpha"):
        sub(_RB_DAY)  # (the day of the week, which Time.parse does not read)
    if has("digit") and (m := sub(_RB_TIME)):
        if m[2] is not None:
            h["zone"] = m[2]
        c = _RB_CLOCK.match(m[1])
        hour = int(c[1])
        if c[5] is not None:
            if hour > 2**31 - 1:
                raise OverflowError(hour)
            hour = hour % 12 + (12 if c[5] in "pP" else 0)
        h["hour"] = hour
        for key, got in (("min", c[2]), ("sec", c[3]), ("sec_fraction", c[4])):
            if got is not None:
                h[key] = int(got)
    if has("alpha", "digit") and (m := sub(_RB_EU)):
        _rb_s3e(h, m[4], _rb_month(m[2]), m[1], m[3] is not None and m[3][0] in "bB")
    elif has("alpha", "digit") and (m := sub(_RB_US)):
        _rb_s3e(h, m[4], _rb_month(m[1]), m[2], m[3] is not None and m[3][0] in "bB")
    elif has("digit", "-") and (m := sub(_RB_ISO)):
        _rb_s3e(h, m[1], m[2], m[3], False)
    elif has("digit", ".") and (m := sub(_RB_JIS)):
        h["year"] = int(m[2]) + {"m": 1867, "t": 1911, "s": 1925, "h": 1988, "r": 2018}[m[1].lower()]
        h["mon"], h["mday"] = int(m[3]), int(m[4])
    elif has("alpha", "digit", "-") and (m := sub(_RB_VMS11)):
        _rb_s3e(h, m[3], _rb_month(m[2]), m[1], False)
    elif has("alpha", "digit", "-") and (m := sub(_RB_VMS12)):
        _rb_s3e(h, m[3], _rb_month(m[1]), m[2], False)
    elif has("digit", "/") and (m := sub(_RB_SLA)):
        _rb_s3e(h, m[1], m[2], m[3], False)
    elif has("digit", ".") and (m := sub(_RB_DOT)):
        _rb_s3e(h, m[1], m[2], m[3], False)
    elif has("digit") and (sub(_RB_ISO21) or sub(_RB_ISO22)):
        pass  # (a week of the year, which Time.parse does not read)
    elif has("digit") and (m := sub(_RB_ISO23)):
        if m[1] is not None:
            h["mon"] = int(m[1])
        h["mday"] = int(m[2])
    elif has("digit") and (m := sub(_RB_ISO24)):
        h["mon"] = int(m[1])
        if m[2] is not None:
            h["mday"] = int(m[2])
    elif has("digit") and not _RB_ISO25_NOT.search(s) and (m := sub(_RB_ISO25)):
        h["year"], h["yday"] = int(m[1]), int(m[2])
    elif has("digit") and not _RB_ISO26_NOT.search(s) and (m := sub(_RB_ISO26)):
        h["yday"] = int(m[1])
    elif has("digit") and (m := sub(_RB_YEAR)):
        h["year"] = int(m[1])
    elif has("alpha") and (m := sub(_RB_MON)):
        h["mon"] = int(_rb_month(m[1]))
    elif has("digit") and (m := sub(_RB_MDAY)):
        h["mday"] = int(m[1])
    elif has("digit") and (m := sub(_RB_DDD)):
        _rb_ddd(h, m)
    if has("alpha") and sub(_RB_BC):
        h["_bc"] = True
    if has("digit") and (m := sub(_RB_FRAG)):
        n = int(m[1])
        if "hour" in h and "mday" not in h and 1 <= n <= 31:
            h["mday"] = n
        if "mday" in h and "hour" not in h and 0 <= n <= 24:
            h["hour"] = n
    if h.pop("_bc", False) and "year" in h:
        h["year"] = 1 - h["year"]
    if h.pop("_comp") and "year" in h and 0 <= h["year"] <= 99:
        h["year"] += 1900 if h["year"] >= 69 else 2000
    return h, s


def _rb_month(name: str) -> str:
    return str(_RB_MONTHS.split("|").index(name[:3].lower()) + 1)


def _rb_s3e(h: dict[str, Any], y: str | None, m: str, d: str | None, bc: bool) -> None:
    """date_parse.c's ``s3e``: which of three numbers is the year, the month and the day."""
    if y is not None and d is None:
        y, m, d = d, y, m
    if y is None:
        if d is not None and len(d) > 2:
            y, d = d, None
        if d is not None and d.startswith("'"):
            y, d = d, None
    if y is not None and (at := re.search(r"[-+0-9]", y)) is not None:
        number = re.match(r"[-+]?[0-9]*", y[at.start():])[0]
        if at.start() + len(number) < len(y):
            y, d = d, number
    if m.startswith("'") or len(m) > 2:
        y, m, d = m, d, y  # (us -> be)
    if d is not None and (d.startswith("'") or len(d) > 2):
        y, d = d, y
    if y is not None and (at := re.search(r"[-+0-9]", y)) is not None:
        sign = y[at.start()] in "+-"
        digits = re.match(r"[0-9]*", y[at.start() + sign:])[0]
        if sign or len(digits) > 2:
            h["_comp"] = False
        h["year"] = int((y[at.start()] if sign else "") + digits) if digits else 0
    if bc:
        h["_bc"] = True
    for key, v in (("mon", m), ("mday", d)):
        if v is not None and (number := re.search(r"[0-9]+", v)) is not None:
            h[key] = int(number[0])


def _rb_ddd(h: dict[str, Any], m: re.Match[str]) -> None:
    """date_parse.c's ``parse_ddd_cb``: a run of digits, read by its length, and what follows."""
    s2, s3, s4, s5 = m[2], m[3], m[4], m[5]
    n = len(s2)
    clock = s3 is None and s4 is not None  # (digits then a fraction: a time)

    def num(at: int, width: int = 2) -> int:
        return int(s2[at:at + width])

    def year(v: int) -> int:
        return -v if m[1] == "-" else v

    if n == 2:
        h["sec" if clock else "mday"] = num(0)
    elif n == 4 and clock:
        h["sec"], h["min"] = num(2), num(0)
    elif n == 4:
        h["mon"], h["mday"] = num(0), num(2)
    elif n == 6 and clock:
        h["sec"], h["min"], h["hour"] = num(4), num(2), num(0)
    elif n == 6:
        h["year"], h["mon"], h["mday"] = year(num(0)), num(2), num(4)
    elif n in (8, 10, 12, 14) and clock:
        h["sec"], h["min"], h["hour"], h["mday"] = num(n - 2), num(n - 4), num(n - 6), num(n - 8)
        if n >= 10:
            h["mon"] = num(n - 10)
        if n == 12:
            h["year"] = year(num(0))
        if n == 14:
            h["year"], h["_comp"] = year(num(0, 4)), False
    elif n in (8, 10, 12, 14):
        h["year"], h["mon"], h["mday"], h["_comp"] = year(num(0, 4)), num(4), num(6), False
        for at, key in ((8, "hour"), (10, "min"), (12, "sec")):
            if n > at:
                h[key] = num(at)
    elif n == 3 and clock:
        h["sec"], h["min"] = num(1), num(0, 1)
    elif n == 3:
        h["yday"] = num(0, 3)
    elif n == 5 and clock:
        h["sec"], h["min"], h["hour"] = num(3), num(1), num(0, 1)
    elif n == 5:
        h["year"], h["yday"] = year(num(0)), num(2, 3)
    elif n == 7 and clock:
        h["sec"], h["min"], h["hour"], h["mday"] = num(5), num(3), num(1), num(0, 1)
    elif n == 7:
        h["year"], h["yday"] = year(num(0, 4)), num(4, 3)
    if s3 is not None and len(s3) in (2, 4, 6):
        k = len(s3)
        if s4 is not None:  # (seconds last)
            for key, at in (("sec", k - 2), ("min", k - 4), ("hour", k - 6)):
                if at >= 0:
                    h[key] = int(s3[at:at + 2])
        else:  # (hours first)
            for key, at in (("hour", 0), ("min", 2), ("sec", 4)):
                if at < k:
                    h[key] = int(s3[at:at + 2])
    if s4 is not None:
        h["sec_fraction"] = int(s4 or "0")
    if s5 is not None:  # ([+9:JST] is the zone JST)
        h["zone"] = s5[1:-1].split(":", 1)[-1] if s5.startswith("[") else s5


def local_offsets(text: str, year: int) -> range | set[int]:
    """The offsets the zone named in ``text`` has if it is the site's (``timezone:``), for
    Ruby takes a name it does not know for the local zone's if it is its name on 1 January
    or 1 July: the offsets of the zones of that name, or (without Python's list of
    zones) any offset; none for no zone, or one Ruby knows."""
    try:
        zone = _rb_date_parse(text).get("zone") if len(text.encode("utf-8")) <= 128 else None
    except OverflowError:
        zone = None
    if zone is None or not re.fullmatch("[A-Za-z]+", zone) or zone.upper() in _RB_ZONES:
        return set()
    named = _rb_zone_names(year)
    if not named:
        return range(-14 * 3600, 14 * 3600 + 1, 900)
    return named.get(zone.upper(), set())


def _rb_zone_names(year: int) -> dict[str, set[int]]:
    """The names (upper case) Python's zones have on 1 January or 1 July of ``year``, each
    with its offsets; empty without Python's list of zones."""
    year = min(max(year, 1), 9998)
    if year not in _RB_NAMED:
        named: dict[str, set[int]] = {}
        for name in zoneinfo.available_timezones():
            for month in (1, 7):
                try:
                    at = dt.datetime(year, month, 1, tzinfo=zoneinfo.ZoneInfo(name))
                    named.setdefault((at.tzname() or "").upper(), set()).add(int(at.utcoffset().total_seconds()))
                except (OSError, ValueError):  # (a zone Python lists but cannot read)
                    continue
        _RB_NAMED[year] = named
    return _RB_NAMED[year]


def _rb_zone_offset(zone: str, local: int | None) -> int | None:
    """``Time.zone_offset``, in seconds; a zone named by letters it does not know is
    ``local`` (Ruby takes the name of the local zone, the site's, for its offset)."""
    zone = zone.upper()
    if m := re.fullmatch(r"([+-])([0-9]{2})(:?)([0-9]{2})(?:\3([0-9]{2}))?", zone):
        return (-1 if m[1] == "-" else 1) * ((int(m[2]) * 60 + int(m[4])) * 60 + int(m[5] or 0))
    if re.fullmatch(r"[+-][0-9]{2}", zone):
        return int(zone) * 3600
    if zone in _RB_ZONES:
        return _RB_ZONES[zone] * 3600
    return local if re.fullmatch("[A-Z]+", zone) else None


def _rb_month_days(y: int, m: int) -> int | None:
    """time.rb's ``month_days`` (an index out of its list is ``nil``, a negative one counts back)."""
    days = [31, 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
            30, 31]
    return days[m - 1] if -12 <= m - 1 < 12 else None


def _rb_make_time(given: list[Any], off: int | None,
                  now: tuple[int, int, int, int, int, int]) -> tuple[tuple[str, Any] | None, dt.date]:
    """time.rb's ``make_time`` past the day of the year: the fields before the first one
    given are ``now``'s, the rest the least; ``Time.utc`` (after the offset, less than a
    day) or ``Time.local`` refuses a field out of range.
    With the day it gives in its zone, in a year of the same calendar."""
    fields = list(given)
    for i, v in enumerate(now):
        if fields[i] is not None:
            break
        fields[i] = v
    year, mon, day, hour, mi, sec = (v if v is not None else (1 if i < 3 else 0) for i, v in enumerate(fields))
    y, mo, d, ho, m, s = (year, mon, day, hour, mi, sec) if off is None else \
        _rb_apply_offset(year, mon, day, hour, mi, sec, off)
    d = 1 if d is None else d
    for what, v, low, top in (("mon", mo, 1, 12), ("mday", d, 1, 31), ("hour", ho, 0, 24),
                              ("min", m, 0, 0 if ho == 24 else 59), ("sec", s, 0, 0 if ho == 24 else 60)):
        if not low <= v <= top:
            return (what, v), dt.date.min
    # a day past the end of its month runs on into the next, 24:00 into the next day; the
    # calendar repeats itself every 400 years, which keeps the year in Python's range
    return None, dt.date(2000 + y % 400, mo, 1) + dt.timedelta(days=d - 1 + (ho * 3600 + m * 60 + s + (off or 0))
                                                                 // 86400)


def _rb_apply_offset(year: int, mon: int, day: int, hour: int, mi: int, sec: int,
                     off: int) -> tuple[int, int, int | None, int, int, int]:
    """time.rb's ``apply_offset``: the fields moved back to UTC by the zone's offset."""
    sign = -1 if off < 0 else 1
    off = abs(off)
    off, o = divmod(off, 60)
    if o:
        sec -= sign * o
        o, sec = divmod(sec, 60)
        off -= sign * o
    off, o = divmod(off, 60)
    if o:
        mi -= sign * o
        o, mi = divmod(mi, 60)
        off -= sign * o
    off, o = divmod(off, 24)
    if o:
        hour -= sign * o
        o, hour = divmod(hour, 24)
        off -= sign * o
    if off and sign < 0:
        day += off
        days = _rb_month_days(year, mon)
        if days and days < day:
            mon += 1
            if mon > 12:
                mon, year = 1, year + 1
            day = 1
    elif off:
        day -= off
        if day < 1:
            mon -= 1
            if mon < 1:
                mon, year = 12, year - 1
            return year, mon, _rb_month_days(year, mon), hour, mi, sec
    return year, mon, day, hour, mi, sec
