"""Addresses on today's two-level administrative units: 34 provinces and their communes/wards (from 01/07/2025).

The list comes from the `vietnam-provinces` package (the General Statistics Office's codes). A
dossier stores the codes, so that statistics by commune survive renamings, and the house number and
street as text.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from unidecode import unidecode
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


def _alphabetical(item: tuple[int, str]) -> str:
    """Sort "Thành phố Cần Thơ" under C and "Phường Ninh Kiều" under N, as people look for them."""
    name = item[1]
    for kind in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        name = name.removeprefix(kind)
    return unidecode(name).lower()


@functools.cache
def provinces() -> list[tuple[int, str]]:
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=_alphabetical)


@functools.cache
def communes(province: int) -> list[tuple[int, str]]:
    try:
        code = ProvinceCode(province)
    except ValueError:
        return []
    return sorted(((int(w.code), w.name) for w in Ward.iter_by_province(code)), key=_alphabetical)


@functools.cache
def _province_names() -> dict[int, str]:
    return dict(provinces())


def province_name(code: int | None) -> str:
    return _province_names().get(code or 0, "")


def commune_name(code: int | None) -> str:
    if not code:
        return ""
    try:
        return Ward.from_code(WardCode(code)).name
    except (ValueError, KeyError):
        return ""


def check_address(province: int | None, commune: int | None) -> None:
    """Both or neither; the commune must be one of the province's. Errors name the field to fix."""
    if not province and not commune:
        return
    if not province or province not in _province_names():
        raise ValidationError({"applicant_province": [_("Choose the province or centrally-run city.")]})
    if not commune or commune not in dict(communes(province)):
        raise ValidationError(
            {
                "applicant_commune": [
                    _("Choose a commune or ward of %(province)s.") % {"province": province_name(province)}
                ]
            }
        )


def full_address(detail: str, commune: int | None, province: int | None) -> str:
    """House number and street, commune, province: as written on the forms."""
    return ", ".join(part for part in (detail.strip(), commune_name(commune), province_name(province)) if part)
