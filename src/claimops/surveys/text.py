"""Chinese free text: jieba segmentation, keywords, and themes (pure apart from jieba's dictionary)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from functools import cache

THEMES: dict[str, frozenset[str]] = {
    # theme code -> words that signal it (the catalogue labels them 时效 沟通 材料 态度 金额)
    "speed": frozenset(
        {
            "时效",
            "太慢",
            "慢",
            "拖",
            "拖延",
            "等待",
            "等",
            "很久",
            "及时",
            "快",
            "迅速",
            "效率",
            "速度",
            "周期",
        }
    ),
    "communication": frozenset(
        {"沟通", "联系", "回复", "电话", "通知", "告知", "解释", "不清楚", "说明", "进度", "客服"}
    ),
    "documents": frozenset({"材料", "资料", "证明", "单据", "发票", "复杂", "繁琐", "手续", "补充", "上传"}),
    "attitude": frozenset({"态度", "耐心", "热情", "冷淡", "礼貌", "服务", "专业", "敷衍"}),
    "amount": frozenset({"金额", "赔款", "赔付", "少", "太少", "理赔款", "扣除", "免赔", "钱"}),
}
STOPWORDS = frozenset(
    "的 了 是 我 也 都 就 很 太 和 在 有 不 没有 还 这 那 吗 呢 啊 吧 要 让 对 被 给 非常 比较 一个".split()
)


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    jieba = _jieba()
    return [w.strip() for w in jieba.lcut(text) if w.strip()]  # type: ignore[attr-defined]


def themes_of(text: str) -> list[str]:
    found = set(words(text))
    return [theme for theme, lexicon in THEMES.items() if found & lexicon]


def keywords(texts: Iterable[str], top: int = 10) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            w
            for w in set(words(text))
            if len(w) > 1 and w not in STOPWORDS and any("\u4e00" <= c <= "\u9fff" for c in w)
        )
    return counts.most_common(top)
