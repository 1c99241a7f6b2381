"""The demo stories and projects in English and Japanese (cms.demo writes them in Traditional Chinese first).

Keyed by the story's slug; "project" is the translated title of the story's project, if it has one.
Terms follow locale/GLOSSARY.md.
"""

DEMO_NOTE_TRANSLATIONS = {
    "en": "(Demo content: adapted from publicly reported cases; details are illustrative.)",
    "ja": "（デモ内容：公開報道された事例をもとに書き直したもので、細部は例示です。）",
}

DEMO_STORY_TRANSLATIONS = {
    "屏東可可取代檳榔": {
        "en": {
            "title": "From betel nut to cacao: Pingtung farmers change crops",
            "summary": "Farmers in Pingtung replaced betel nut groves with cacao trees and make award-winning "
            "chocolate.",
            "text": "Pingtung's warm climate suits cacao. Many farmers have replaced their betel nut groves with "
            "cacao and keep the whole chain at home, from fermenting and roasting to making chocolate, while the "
            "trees hold the soil better.",
            "quote": (
                "Cacao takes patience, but it gives our land and our children a future.",
                "A Pingtung cacao farmer",
            ),
            "facts": [("3–5 years", "from planting to a steady harvest"), ("Tree to bar", "processed locally")],
            "project": "Pingtung shared cacao fermentary",
        },
        "ja": {
            "title": "ビンロウからカカオへ：屏東の農家の転作",
            "summary": "屏東の農家がビンロウ園をカカオの木に植え替え、"
            "国際コンクールで受賞するチョコレートを作っています。",
            "text": "屏東の温暖な気候はカカオの栽培に向いています。多くの農家がビンロウ園をカカオに植え替え、"
            "発酵・焙煎からチョコレート作りまでを地元で行い、土壌の保全にも役立てています。",
            "quote": ("カカオには忍耐が要りますが、土地と次の世代に未来をくれます。", "屏東のカカオ農家"),
            "facts": [("3〜5年", "植えてから収穫が安定するまで"), ("木から板チョコまで", "地元で一貫して加工")],
            "project": "屏東カカオ共同発酵所",
        },
    },
    "台東認養藥草田": {
        "en": {
            "title": "Adopt a herb field: subscription farming in Taitung",
            "summary": "Citizens adopt a small herb plot each month and receive seasonal herbs and a field diary.",
            "text": "In Taitung, small farmers run their herb fields through adoption: each adopter gives a fixed "
            "amount a month, receives seasonal herbal tea and photos from the field, and can help in the field "
            "at weekends.",
            "quote": ("Our adopters' support lets us farm more slowly and more kindly.", "A Taitung herb farmer"),
            "facts": [("Monthly", "a field diary for adopters"), ("No pesticides", "a promise of gentle farming")],
        },
        "ja": {
            "title": "薬草畑の里親に：台東のサブスクリプション農業",
            "summary": "市民が毎月小さな薬草畑の里親になり、旬のハーブと畑の日誌を受け取ります。",
            "text": "台東の小規模農家は「里親」制度で薬草畑を営んでいます。里親は毎月一定額を支援し、"
            "旬のハーブティーと畑の写真を受け取り、休日には畑仕事も体験できます。",
            "quote": ("里親の支えがあるから、ゆっくりと環境にやさしい栽培ができます。", "台東の薬草農家"),
            "facts": [("毎月", "里親に届く畑の日誌"), ("農薬不使用", "環境にやさしい栽培の約束")],
        },
    },
    "口湖智慧養殖": {
        "en": {
            "title": "Smart fish farming in Kouhu: sensors that look after tilapia",
            "summary": "Young people back home in Kouhu, Yunlin, use water sensors and automatic feeders.",
            "text": "Kouhu is an important fish-farming area. Young people who came home installed water-quality "
            "sensors and automatic feeders; oxygen and temperature show on a phone, fewer fish die, and the "
            "older farmers' work is lighter.",
            "quote": ("With the data we no longer get up all night to check the ponds.", "A young Kouhu fish farmer"),
            "facts": [("24 hours", "water-quality monitoring"), ("On the phone", "instant alerts")],
            "project": "Kouhu smart fish pond demonstration farm",
        },
        "ja": {
            "title": "口湖のスマート養殖：センサーでティラピアを育てる",
            "summary": "雲林県口湖のUターンの若者が水質センサーと自動給餌機で養殖を省力化しています。",
            "text": "口湖郷は重要な養殖地です。Uターンした若者が水質センサーと自動給餌機を導入し、"
            "溶存酸素と水温をスマートフォンで確認できるようにしました。魚の大量死のリスクが減り、"
            "年配の人の仕事も楽になりました。",
            "quote": ("データのおかげで、夜中に何度も池を見回らなくてよくなりました。", "口湖の養殖の若者"),
            "facts": [("24時間", "水質の監視"), ("スマートフォン", "即時の警報")],
            "project": "口湖スマート養殖池モデル場",
        },
    },
    "官田菱角殼炭": {
        "en": {
            "title": "A second life for Guantian's water caltrop shells: from waste to biochar",
            "summary": "A local team turns Guantian's caltrop shells into charcoal for water filters and "
            "dehumidifiers.",
            "text": "Water caltrop is Guantian's signature crop, and its shells used to be dumped or burned. A "
            "local team now fires them into charcoal for dehumidifiers, water filters and household goods, and "
            "tells the story of the pheasant-tailed jacana's wetland along the way.",
            "quote": ("The shells we used to throw away are now our hometown's calling card.", "The Guantian team"),
            "facts": [("Caltrop shells", "once farm waste"), ("Biochar", "the reused product")],
            "project": "Guantian caltrop charcoal workshop",
        },
        "ja": {
            "title": "官田のヒシの殻の第二の人生：廃棄物からバイオ炭へ",
            "summary": "官田で大量に出るヒシの殻を地元チームが炭にし、浄水や除湿の製品にしています。",
            "text": "ヒシは官田を代表する作物で、むいた殻はかつて捨てられたり燃やされたりしていました。"
            "地元チームは殻を焼いて炭にし、除湿・浄水・生活用品を開発するとともに、"
            "レンカクの生息地の物語も伝えています。",
            "quote": ("捨てられていた殻が、今では私たちの故郷の名刺です。", "官田の地元チーム"),
            "facts": [("ヒシの殻", "もとは農業廃棄物"), ("バイオ炭", "再利用した製品")],
            "project": "官田ヒシ殻炭工房",
        },
    },
    "三峽茶體驗": {
        "en": {
            "title": "A tea-hill trip in Sanxia",
            "summary": "Pick and roll tea in Sanxia's gardens, then drink a cup of honey-scented black tea you made.",
            "text": "Sanxia has a long history of tea making. The tea farmers' children turned their gardens into "
            "classrooms, with half-day visits for picking, rolling and tasting, so that city families learn the "
            "craft behind a cup of tea.",
            "quote": ("Once guests have rolled tea themselves, they understand why we hold on.", "A Sanxia tea farmer"),
            "facts": [("Half a day", "in the tea garden"), ("Handmade", "take home the tea you rolled")],
            "project": "Sanxia tea garden school",
        },
        "ja": {
            "title": "三峡の茶山ショートトリップ",
            "summary": "三峡の茶園で茶摘みと揉捻をして、自分で作った蜜香紅茶を味わいます。",
            "text": "三峡には長い製茶の歴史があります。茶農家の次の世代が茶園を教室にし、茶摘み・揉捻・"
            "試飲の半日体験を企画して、都会の家族に一杯のお茶の背後にある技を伝えています。",
            "quote": ("自分でお茶を揉んだお客さんは、私たちがこだわる理由をわかってくれます。", "三峡の茶農家"),
            "facts": [("半日", "茶園の体験コース"), ("手作り", "自分で揉んだお茶を持ち帰り")],
            "project": "三峡茶園体験スクール",
        },
    },
    "坪林茶鄉": {
        "en": {
            "title": "Pinglin: home of Baozhong tea, and of the young people who came back",
            "summary": "In Pinglin, young people took over their families' tea gardens and brought new brands "
            "and visitors.",
            "text": "Pinglin is known for Wenshan Baozhong tea. Young people who came home took over their "
            "families' gardens, launched small packs and tea snacks, and plan slow-travel routes with local "
            "shops so that travellers on the Taipei–Yilan road stop for a while.",
            "quote": ("Make the tea well, and tell its story well too.", "A young Pinglin tea maker"),
            "facts": [("Wenshan Baozhong", "Pinglin's signature tea"), ("Slow travel", "routes linking local shops")],
        },
        "ja": {
            "title": "坪林：包種茶のふるさとと、帰ってきた若者たち",
            "summary": "坪林ではUターンの若者が家の茶園を継ぎ、新しいブランドと旅人を連れてきました。",
            "text": "坪林は文山包種茶で知られています。Uターンの若者が家族の茶園を継ぎ、小分けパックや"
            "お茶菓子を売り出し、地元の店と組んでゆったり巡るルートを作り、台北と宜蘭を結ぶ道を行く"
            "旅人に立ち寄ってもらっています。",
            "quote": ("お茶をおいしく作り、お茶の物語も上手に伝えたい。", "坪林のUターンの若者"),
            "facts": [("文山包種茶", "坪林を代表するお茶"), ("スローな旅", "地元の店を結ぶルート")],
        },
    },
    "壯圍食農教育": {
        "en": {
            "title": "Food and farming education in Zhuangwei: children learn in the fields",
            "summary": "Farmers and schools in Zhuangwei, Yilan, teach children local food from sowing to eating.",
            "text": "Zhuangwei's sandy soil suits melons and spring onions. Farmers and schools run food and "
            "farming classes: children sow, tend and harvest, and finally cook together.",
            "quote": ("Children who have eaten vegetables they grew stop being picky.", "A Zhuangwei farmer"),
            "facts": [("Sowing to eating", "a full food and farming course"), ("Local schools", "as partners")],
            "project": "Zhuangwei field classroom",
        },
        "ja": {
            "title": "壮囲の食農教育：子どもたちが畑で学ぶ",
            "summary": "宜蘭県壮囲の農家と学校が協力し、子どもたちが種まきから食べるまで地元の食材を学びます。",
            "text": "壮囲の砂地はメロンやネギなどの栽培に適しています。農家と学校が協力して食農の授業を開き、"
            "子どもたちは種をまき、世話をし、収穫して、最後に一緒に料理します。",
            "quote": ("自分で育てた野菜を食べた子は、好き嫌いをしなくなります。", "壮囲の農家"),
            "facts": [("種まきから食卓まで", "一貫した食農の授業"), ("地元の学校", "協力パートナー")],
            "project": "壮囲田んぼ教室",
        },
    },
    "竹山小鎮": {
        "en": {
            "title": "Zhushan: bamboo and old houses that bring young people back to a small town",
            "summary": "A team in Zhushan, Nantou, starts from old houses and bamboo craft to bring young people back.",
            "text": "Zhushan once thrived on bamboo. A local team restored old houses as lodgings and workspaces, "
            "develops new products with bamboo craftsmen, and runs training in the town so that young people "
            "see how they could stay.",
            "quote": ("A small town needs people who stay, not tourists.", "The Zhushan team"),
            "facts": [("Old houses", "turned into shared spaces"), ("Bamboo craft", "passed on and renewed")],
        },
        "ja": {
            "title": "竹山：若者を小さな町に呼び戻す竹と古民家",
            "summary": "南投県竹山のチームが古民家と竹工芸を出発点に、若者が町で暮らし起業するよう呼びかけています。",
            "text": "竹山はかつて竹産業で栄えました。地元チームは古民家を改修して宿泊と仕事の場にし、"
            "竹細工の職人と新製品を開発し、町を舞台に人材育成の講座を開いて、若者に残るという"
            "選択肢を示しています。",
            "quote": ("小さな町に必要なのは観光客ではなく、残ってくれる人です。", "竹山の地元チーム"),
            "facts": [("古民家", "シェアスペースに改修"), ("竹工芸", "継承と革新")],
        },
    },
    "關山返鄉米食": {
        "en": {
            "title": "Guanshan's rice and people: regional revitalization in a bowl of rice",
            "summary": "In Guanshan, Taitung, young people back home link city eaters to the rice fields.",
            "text": "The East Rift Valley's water and soil grow Guanshan rice. Young people who came home sell "
            "small packs of rice and rice products, and invite city families to plant and harvest, so that a "
            "bowl of rice links town and country.",
            "quote": ("Let the people who eat rice meet the people who grow it.", "A young Guanshan farmer"),
            "facts": [("East Rift Valley", "good water, good soil"), ("Planting to harvest", "twice a year")],
        },
        "ja": {
            "title": "関山の米と人：一杯のご飯から始まる地方創生",
            "summary": "台東県関山の田んぼで、Uターンの若者が米のブランドで都市の消費者とつながっています。",
            "text": "花東縦谷の良い水と土が関山米を育てます。Uターンの若者は小分けの米や米の加工品を売り出し、"
            "都市の家族を田植えや稲刈りに招いて、一杯のご飯で都市と地方を結んでいます。",
            "quote": ("ご飯を食べる人に、米を作る人を知ってほしい。", "関山のUターンの若者"),
            "facts": [("花東縦谷", "良い水と良い土"), ("田植えから稲刈りまで", "年に二度の田んぼのイベント")],
        },
    },
}

# The demo stories' tags in English and Japanese: a translated story carries its own language's tags, so the tag
# links on an English page read (and filter the English story index) in English.
DEMO_TAG_TRANSLATIONS = {
    "可可": {"en": "cacao", "ja": "カカオ"},
    "轉作": {"en": "crop change", "ja": "転作"},
    "屏東": {"en": "Pingtung", "ja": "屏東"},
    "藥草": {"en": "herbs", "ja": "ハーブ"},
    "認養": {"en": "adoption", "ja": "里親"},
    "台東": {"en": "Taitung", "ja": "台東"},
    "養殖": {"en": "aquaculture", "ja": "養殖"},
    "智慧農業": {"en": "smart farming", "ja": "スマート農業"},
    "雲林": {"en": "Yunlin", "ja": "雲林"},
    "菱角": {"en": "water caltrop", "ja": "ヒシ"},
    "循環經濟": {"en": "circular economy", "ja": "循環型経済"},
    "台南": {"en": "Tainan", "ja": "台南"},
    "茶": {"en": "tea", "ja": "お茶"},
    "體驗觀光": {"en": "experience tourism", "ja": "体験型観光"},
    "新北": {"en": "New Taipei", "ja": "新北"},
    "返鄉": {"en": "coming home", "ja": "Uターン"},
    "食農教育": {"en": "food and farming education", "ja": "食農教育"},
    "宜蘭": {"en": "Yilan", "ja": "宜蘭"},
    "竹": {"en": "bamboo", "ja": "竹"},
    "老屋": {"en": "old houses", "ja": "古民家"},
    "南投": {"en": "Nantou", "ja": "南投"},
    "稻米": {"en": "rice", "ja": "米"},
}
