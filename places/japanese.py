"""Taiwan's place names as Japanese writes them: the same kanji in their Japanese (shinjitai) forms.

Japanese readers know Taiwan's townships by their kanji, not by the romanisation (台北市, 屏東県, 美濃区), and
Japanese writes some of those characters in forms simplified in 1946. This table covers every character of the
reference data (places/data/townships.csv) that Japanese writes differently; the rest are written alike.
"""

SHINJITAI = str.maketrans(
    {
        "臺": "台",
        "縣": "県",
        "區": "区",
        "鄉": "郷",
        "灣": "湾",
        "豐": "豊",
        "龜": "亀",
        "蘆": "芦",
        "雙": "双",
        "歸": "帰",
        "鹽": "塩",
        "圍": "囲",
        "濱": "浜",
        "萬": "万",
        "關": "関",
        "壯": "壮",
        "樂": "楽",
        "榮": "栄",
        "邊": "辺",
        "麥": "麦",
        "國": "国",
        "學": "学",
        "寶": "宝",
        "將": "将",
        "壽": "寿",
        "來": "来",
        "德": "徳",
        "恆": "恒",
        "內": "内",
        "峽": "峡",
        "彌": "弥",
        "營": "営",
        "穗": "穂",
        "綠": "緑",
        "觀": "観",
        "鐵": "鉄",
        "鶯": "鴬",
        "橫": "横",
        "澤": "沢",
        "莊": "荘",
        "巢": "巣",
        "滿": "満",
    }
)


def japanese_place_name(chinese_name):
    """屏東縣 → 屏東県, 美濃區 → 美濃区, 臺東縣關山鎮 → 台東県関山鎮."""
    return (chinese_name or "").translate(SHINJITAI)
