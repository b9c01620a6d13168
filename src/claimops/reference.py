"""Reference data the application offers in its forms and filters: regions and channels.

The demo draws its data from these lists (claimops.demo.names adds weights and ID-number prefixes),
not the reverse, so that a page's options do not depend on demo code.
"""

from __future__ import annotations

# Provinces and municipalities, in the order forms and the dashboard list them.
REGIONS: tuple[str, ...] = (
    "广东", "江苏", "浙江", "上海", "山东", "北京", "河南", "四川", "湖北", "福建", "湖南", "安徽", "河北",
    "陕西", "辽宁", "重庆", "天津", "江西", "广西", "云南", "山西", "贵州", "黑龙江", "吉林", "甘肃",
    "新疆", "海南",
)  # fmt: skip

# Channels of sale and of report (线上/APP, 电话, 代理人, 门店, 微信).
CHANNELS: tuple[str, ...] = ("APP", "电话", "代理人", "门店", "微信")
# Channels through which staff register the report themselves (the others report online).
STAFF_CHANNELS = frozenset({"电话", "代理人", "门店"})
