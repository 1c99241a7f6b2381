"""The 17 UN Sustainable Development Goals in Traditional Chinese (as used in Taiwan), English and Japanese.

English: the UN's short titles. Japanese: the titles of the UN Information Centre in Tokyo.
Traditional Chinese: the titles used by Taiwan's National Council for Sustainable Development.
"""

SDGS = [
    (1, "消除貧窮", "No Poverty", "貧困をなくそう"),
    (2, "消除飢餓", "Zero Hunger", "飢餓をゼロに"),
    (3, "健康與福祉", "Good Health and Well-being", "すべての人に健康と福祉を"),
    (4, "優質教育", "Quality Education", "質の高い教育をみんなに"),
    (5, "性別平等", "Gender Equality", "ジェンダー平等を実現しよう"),
    (6, "淨水及衛生", "Clean Water and Sanitation", "安全な水とトイレを世界中に"),
    (7, "可負擔的潔淨能源", "Affordable and Clean Energy", "エネルギーをみんなに そしてクリーンに"),
    (8, "尊嚴就業與經濟發展", "Decent Work and Economic Growth", "働きがいも経済成長も"),
    (9, "產業創新與基礎建設", "Industry, Innovation and Infrastructure", "産業と技術革新の基盤をつくろう"),
    (10, "減少不平等", "Reduced Inequalities", "人や国の不平等をなくそう"),
    (11, "永續城鄉", "Sustainable Cities and Communities", "住み続けられるまちづくりを"),
    (12, "責任消費及生產", "Responsible Consumption and Production", "つくる責任 つかう責任"),
    (13, "氣候行動", "Climate Action", "気候変動に具体的な対策を"),
    (14, "保育海洋生態", "Life Below Water", "海の豊かさを守ろう"),
    (15, "保育陸域生態", "Life on Land", "陸の豊かさも守ろう"),
    (16, "和平、正義及健全制度", "Peace, Justice and Strong Institutions", "平和と公正をすべての人に"),
    (17, "多元夥伴關係", "Partnerships for the Goals", "パートナーシップで目標を達成しよう"),
]


def load_sdgs(model):
    """Create the 17 goals that are missing; an editor's later change to a name is kept. Returns how many were made."""
    existing = set(model.objects.values_list("number", flat=True))
    missing = [
        model(number=number, name_zh=zh, name_en=en, name_ja=ja)
        for number, zh, en, ja in SDGS
        if number not in existing
    ]
    model.objects.bulk_create(missing)
    return len(missing)
