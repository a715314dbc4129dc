"""Text normalisation shared by search, vocabulary and the bot."""

from __future__ import annotations

from guides.text import normalise


def test_traditional_characters_become_simplified_and_the_particle_stays():
    assert normalise("補辦身份證怎麼辦") == "补办身份证怎么办"
    # zhconv alone reads 么 before 半 or 子 as the Traditional spelling of 幺 (怎么半 -> 怎幺半).
    assert normalise("新建楼房第一次产权登记怎么半？") == "新建楼房第一次产权登记怎么半?"
    assert normalise("要什么子女证明") == "要什么子女证明"
    # The stand-in used for 么 cannot be smuggled in.
    assert normalise("\ue000护照") == "护照"
