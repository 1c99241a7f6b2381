"""TEST DATA: labelled queries over the townships and the synthetic fixture (tests/search/fixture.py).

Each query lists every document a reader would want for it; "town:<code>" is a
township (places data), "fixture:<id>" a fixture document. Used by
tests/search/test_relevance.py and bench/search_relevance.py.
"""

LABELLED_QUERIES = [
    ("香草 認養", ["fixture:p03"]),
    ("屏東 可可", ["fixture:p01", "fixture:p02"]),
    ("可可", ["fixture:p01", "fixture:p02", "fixture:p23"]),
    ("台東 可可", ["fixture:p23"]),
    ("tilapia", ["fixture:p04"]),
    ("吳郭魚", ["fixture:p04"]),
    ("口湖", ["town:10009190", "fixture:p04", "fixture:p33"]),
    ("官田菱角殼炭", ["fixture:p05"]),
    ("菱角", ["fixture:p05", "fixture:p34"]),
    ("官田", ["town:67000100", "fixture:p05", "fixture:p34"]),
    ("池上", ["town:10014060", "fixture:p06", "fixture:p32"]),
    ("Chishang", ["town:10014060", "fixture:p06", "fixture:p32"]),
    ("池上 米", ["fixture:p06"]),
    ("咖啡", ["fixture:p08", "fixture:p09"]),
    ("coffee", ["fixture:p08", "fixture:p09"]),
    ("紅茶", ["fixture:p10"]),
    ("東方美人茶", ["fixture:p11"]),
    ("烏龍", ["fixture:p31"]),
    ("蚵", ["fixture:p15", "fixture:p16"]),
    ("oyster", ["fixture:p15", "fixture:p16"]),
    ("虱目魚", ["fixture:p13"]),
    ("黑鮪魚", ["fixture:p14"]),
    ("釋迦", ["fixture:p36"]),
    ("太麻里", ["town:10014090", "fixture:p07", "fixture:p36"]),
    ("三地門", ["town:10013260", "fixture:p30"]),
    ("美濃", ["town:64000310", "fixture:p12"]),
    ("Meinong", ["town:64000310", "fixture:p12"]),
    ("kouhu", ["town:10009190", "fixture:p04", "fixture:p33"]),
    ("鹿野 茶", ["fixture:p31"]),
    ("部落 咖啡", ["fixture:p09"]),
    ("客家", ["fixture:p11", "fixture:p12", "fixture:p35"]),
    ("竹編", ["fixture:p27"]),
    ("長照", ["fixture:p26"]),
    ("食農教育", ["fixture:p17", "fixture:p34"]),
    ("金門 高粱", ["fixture:p21"]),
    ("馬公", ["town:10016010", "fixture:p22"]),
    ("chocolate", ["fixture:p02"]),
    ("霧台", ["town:10013270", "fixture:p29"]),
    ("峨眉", ["town:10004110", "fixture:p26"]),
]
