"""Amounts in Vietnamese words, as receipts write them ("Một triệu năm trăm nghìn đồng")."""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ"]


def _three(number: int, *, leading: bool) -> str:
    """0–999 in words; `leading`: the first group (no "không trăm" before it)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[units])
    return " ".join(words)


def in_words(amount: int) -> str:
    """1500000 → "Một triệu năm trăm nghìn đồng"; 0 → "Không đồng"."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        leading = index == len(groups) - 1
        words.append(_three(group, leading=leading))
        scale = GROUPS[index % 4] if index % 4 else ("tỷ " * (index // 4)).strip()
        if scale:
            words.append(scale)
    text = " ".join(words)
    return text[0].upper() + text[1:] + " đồng"
