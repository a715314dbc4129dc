"""Answers that are not about one item: topic/department item lists and 政府信息公开."""

from __future__ import annotations

from guides.answers import HOTLINE, Answer, GuideService, button

MAX_LISTED = 8
DISCLOSURE_CATALOGUE = (
    "主动公开的政府信息可直接在各级人民政府门户网站“政府信息公开”专栏查阅：其中的政府信息公开指南说明申请方式，"
    "政府信息公开目录按类别列出已公开的信息，无需申请。目录中没有的信息，可以依申请公开。"
)


def list_items(service: GuideService, text: str | None) -> tuple[str, list[dict]]:
    """A numbered list of the items related to the topic or department asked about."""
    response = service.index().browse(text, limit=MAX_LISTED)
    if not response.results:
        return (f"抱歉，没有找到相关的事项。您可以说得具体一些，比如“社保卡相关的业务”“公安局能办什么”，"
                f"或拨打{HOTLINE}咨询。", [])
    lines = ["为您找到以下相关事项（点击查看办事指南）："]
    seen = set()
    buttons = []
    for hit in response.results:
        label = f"{hit.name}（{hit.department}）"
        if label in seen:
            continue
        seen.add(label)
        lines.append(f"{len(seen)}. {label}")
        buttons.append(button(hit.name[:20], "choose_item", item_code=hit.code))
    return "\n".join(lines), buttons[:5]


def disclosure_answer(service: GuideService, text: str | None, aspect: str | None) -> Answer:
    """政府信息公开: the 依申请公开 guide of the government asked about, and where the catalogue is."""
    answer = service.answer(f"{text or ''} 政府信息公开申请", aspect=aspect)
    if answer.resolved and not answer.aspect:
        answer.text = DISCLOSURE_CATALOGUE + "\n\n" + answer.text
    elif not answer.resolved and not answer.buttons:
        answer.text = DISCLOSURE_CATALOGUE + f"\n如需依申请公开，请说明向哪一级政府申请（如“向南宁市政府申请信息公开”），或拨打{HOTLINE}咨询。"
    return answer
