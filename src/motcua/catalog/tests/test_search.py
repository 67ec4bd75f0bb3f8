"""Catalog search: diacritics, case and Unicode form do not matter; the best match comes first."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from motcua.catalog.constants import ServiceLevel
from motcua.catalog.selectors import CatalogFilters, catalog_figures, procedure_search, versions_by_ids
from motcua.catalog.tests.factories import FieldFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def names(filters: CatalogFilters) -> list[str]:
    return [v.name for v in versions_by_ids(procedure_search(filters))]


@pytest.fixture
def catalog():
    tourism = FieldFactory(name="Du lịch")
    culture = FieldFactory(name="Văn hóa")
    ProcedureVersionFactory(
        procedure__code="2.001628", name="Thủ tục cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa", field=tourism
    )
    ProcedureVersionFactory(
        procedure__code="1.004528", name="Thủ tục công nhận điểm du lịch", field=tourism, full_online=True
    )
    ProcedureVersionFactory(
        procedure__code="1.001029", name="Thủ tục cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", field=culture
    )
    ProcedureVersionFactory(
        procedure__code="1.003676", name="Thủ tục đăng ký tổ chức lễ hội", field=culture, information_only=True
    )
    # Expired: not in force, never found.
    ProcedureVersionFactory(
        procedure__code="1.000001",
        name="Thủ tục du lịch đã bãi bỏ",
        field=tourism,
        valid_from=date(2020, 1, 1),
        valid_to=date(2021, 1, 1),
    )


@pytest.mark.parametrize(
    "query",
    ["du lich", "DU LỊCH", "du lịch", unicodedata.normalize("NFD", "du lịch"), "  Du   Lịch "],
)
def test_diacritics_case_and_unicode_form_do_not_matter(catalog, query):
    assert names(CatalogFilters(q=query)) == names(CatalogFilters(q="du lịch"))
    assert names(CatalogFilters(q=query))[0] == "Thủ tục công nhận điểm du lịch"


def test_the_name_ranks_above_the_field(catalog):
    # "du lich" is in the name of 1.004528 and only in the field of 2.001628.
    assert names(CatalogFilters(q="du lich")) == [
        "Thủ tục công nhận điểm du lịch",
        "Thủ tục cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
    ]


def test_every_word_must_match(catalog):
    assert names(CatalogFilters(q="giay phep karaoke")) == [
        "Thủ tục cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke"
    ]
    assert names(CatalogFilters(q="karaoke hotel")) == []


def test_words_match_where_they_start_not_inside_other_words(catalog):
    ProcedureVersionFactory(name="Thủ tục thẩm định dự án xây dựng")
    assert names(CatalogFilters(q="ich")) == []  # inside "lịch", not a word
    assert names(CatalogFilters(q="xay dun")) == ["Thủ tục thẩm định dự án xây dựng"]  # a word being typed


def test_d_with_stroke_folds_to_d(catalog):
    assert names(CatalogFilters(q="dang ky le hoi")) == ["Thủ tục đăng ký tổ chức lễ hội"]


def test_search_by_code(catalog):
    assert names(CatalogFilters(q="1.001029"))[0].endswith("karaoke")


def test_filters_by_level_field_and_agency(catalog):
    assert names(CatalogFilters(level=ServiceLevel.FULL)) == ["Thủ tục công nhận điểm du lịch"]
    assert len(names(CatalogFilters(field="du-lich"))) == 0  # factories give their own field codes
    tourism_code = FieldFactory(name="Du lịch").code
    assert len(names(CatalogFilters(field=tourism_code))) == 2


def test_expired_versions_are_not_found(catalog):
    assert "Thủ tục du lịch đã bãi bỏ" not in names(CatalogFilters(q="bai bo"))


def test_catalog_figures_count_the_service_levels(catalog):
    figures = catalog_figures()
    assert (figures.published, figures.partial, figures.full) == (4, 2, 1)
    assert figures.partial_rate == 0.5 and figures.full_rate == 0.25 and figures.online_rate == 0.75
