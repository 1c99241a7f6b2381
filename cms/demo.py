"""Demo content for the CMS: one home page per language. Safe to run again."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.actions import follow_site_base_url
from cms.models import HomePage

HOME_PAGE_TEXT = {
    "zh-hant": {
        "title": "Homeward 地方創生平台",
        "introduction": "讓企業、市民與返鄉青年，一起投入台灣鄉鎮的地方創生事業。",
    },
    "en": {
        "title": "Homeward: regional revitalization in Taiwan",
        "introduction": (
            "Companies, citizens and returning youth backing the enterprises "
            "that bring Taiwan's townships back to life."
        ),
    },
    "ja": {
        "title": "Homeward 台湾の地方創生プラットフォーム",
        "introduction": "企業・市民・Uターンの若者が、台湾の郷鎮の地方創生事業を一緒に支えます。",
    },
}


def site_address():
    """(hostname, port) of settings.SITE_BASE_URL, as Wagtail's Site stores them."""
    from urllib.parse import urlsplit

    address = urlsplit(settings.SITE_BASE_URL)
    return address.hostname or "localhost", address.port or (443 if address.scheme == "https" else 80)


@transaction.atomic
def ensure_home_pages():
    """Make a HomePage the site root, with a published translation per language."""
    site = Site.objects.filter(is_default_site=True).first()
    default_locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.filter(locale=default_locale).first()
    created = []
    if home is None:
        # Wagtail's first migration makes the root; a flushed test database has none.
        root = Page.get_first_root_node() or Page.add_root(title="Root", locale=default_locale)
        home = root.add_child(
            instance=HomePage(slug="homeward", locale=default_locale, **HOME_PAGE_TEXT[default_locale.language_code])
        )
        home.save_revision().publish()
        created.append(default_locale.language_code)
    hostname, port = site_address()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Homeward"
        )
        follow_site_base_url()  # the host and port of SITE_BASE_URL, not Wagtail's localhost:80
    elif site.root_page_id != home.pk:
        previous_root = site.root_page.specific
        site.root_page = home
        site.save()
        # Wagtail's installer leaves a "Welcome" page; it has no place in Homeward's tree.
        if type(previous_root) is Page and previous_root.slug == "home":
            previous_root.delete()
    if (site.hostname, site.port) == ("localhost", 80) and (hostname, port) != ("localhost", 80):
        # Wagtail's installer names the site localhost:80; full URLs (canonical links, review emails) need the
        # real address. A hostname someone has set in the admin is left as it is.
        site.hostname, site.port = hostname, port
        site.save()

    for language_code, text in HOME_PAGE_TEXT.items():
        locale, _ = Locale.objects.get_or_create(language_code=language_code)
        if locale == default_locale or home.get_translations().filter(locale=locale).exists():
            continue
        translation = home.copy_for_translation(locale)
        for name, value in text.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
        created.append(language_code)
    return created


# --- Catalogues ---------------------------------------------------------------------------------

DEMO_SECTORS = [
    ("agriculture", "農業與食品", "Agriculture and food", "農業・食品"),
    ("aquaculture", "漁業與養殖", "Fisheries and aquaculture", "漁業・養殖"),
    ("tourism", "體驗觀光", "Experiential tourism", "体験型観光"),
    ("education", "教育與培力", "Education and training", "教育・人材育成"),
    ("circular", "循環經濟", "Circular economy", "循環型経済"),
    ("crafts", "工藝與文化", "Crafts and culture", "工芸・文化"),
]

# Real programmes only where their names and ministries are certain; the last is marked as an example.
DEMO_PROGRAMMES = [
    {
        "ministry": "國家發展委員會",
        "name": "地方創生青年培力工作站計畫",
        "name_en": "Regional Revitalization Youth Empowerment Workstations",
        "name_ja": "地方創生青年育成ワークステーション計画",
        "summary_zh": "補助青年團隊在地方設立工作站，陪伴返鄉與在地青年投入地方創生。",
        "summary_en": "Supports youth teams that run a workstation in a township, helping young people who return "
        "or stay to take part in regional revitalization.",
        "summary_ja": "郷鎮にワークステーションを構える若者チームを支援し、Uターンや地元の若者が地方創生に"
        "参加できるよう伴走します。",
        "kind": "talent",
        "eligibility": "在地方投入地方創生的青年團隊（詳見國發會公告）。",
        "url": "",
        "is_example": False,
    },
    {
        "ministry": "經濟部中小及新創企業署",
        "name": "青年創業及啟動金貸款",
        "name_en": "Youth Start-up and Launch Loans",
        "name_ja": "青年創業・スタートアップ資金融資",
        "summary_zh": "提供青年創業所需的準備金、開辦費與週轉金貸款。",
        "summary_en": "Loans for young founders: preparation, opening costs and working capital.",
        "summary_ja": "若い起業家向けの融資：準備資金、開業費、運転資金。",
        "kind": "loan",
        "eligibility": "符合年齡與創業條件的青年（詳見主管機關公告）。",
        "url": "",
        "is_example": False,
    },
    {
        "ministry": "文化部",
        "name": "青年村落文化行動計畫",
        "name_en": "Youth Village Cultural Action Programme",
        "name_ja": "青年村落文化行動計画",
        "summary_zh": "支持青年回到村落，以文化行動記錄、活化在地生活。",
        "summary_en": "Supports young people who go back to a village to record and revive its life through "
        "cultural action.",
        "summary_ja": "村に戻った若者が、文化活動を通じて地域の暮らしを記録し、活性化する取り組みを支援します。",
        "kind": "subsidy",
        "eligibility": "在村落推動文化行動的青年（詳見文化部公告）。",
        "url": "",
        "is_example": False,
    },
    {
        "ministry": "（範例）地方政府",
        "name": "範例：鄉鎮小商家數位轉型輔導",
        "name_en": "Example: digital coaching for township shops",
        "name_ja": "例：郷鎮の小さな商店のデジタル化支援",
        "summary_zh": "此為示範資料：輔導鄉鎮小商家導入線上銷售與行動支付。",
        "summary_en": "Demo data: coaching small township shops to sell online and take mobile payments.",
        "summary_ja": "デモデータ：郷鎮の小さな商店がネット販売やモバイル決済を導入するための支援。",
        "kind": "talent",
        "eligibility": "此為示範資料，並非真實計畫。",
        "url": "",
        "is_example": True,
    },
]


TRANSLATED_PROGRAMME_FIELDS = ("name_en", "name_ja", "summary_zh", "summary_en", "summary_ja")


def ensure_catalogues():
    from cms.models import Ministry, Sector, SupportProgramme

    # The 17 SDGs are reference data, loaded after every migrate (cms.signal_handlers.after_migrate).
    for slug, zh, en, ja in DEMO_SECTORS:
        Sector.objects.get_or_create(slug=slug, defaults={"name_zh": zh, "name_en": en, "name_ja": ja})
    for programme in DEMO_PROGRAMMES:
        # The real ministries are seeded by cms/migrations (0003); only the example's agency is made here.
        ministry, _created = Ministry.objects.get_or_create(
            name_zh=programme["ministry"],
            defaults={
                "slug": "demo-local-government",
                "name_en": "(Example) local government",
                "name_ja": "（例）地方政府",
            },
        )
        row, created = SupportProgramme.objects.get_or_create(
            ministry=ministry, name=programme["name"], defaults={**programme, "ministry": ministry}
        )
        # A demo site loaded before the programmes had their English and Japanese texts gets them; nothing an
        # editor wrote is replaced.
        missing = [field for field in TRANSLATED_PROGRAMME_FIELDS if not getattr(row, field) and programme.get(field)]
        if not created and missing:
            for field in missing:
                setattr(row, field, programme[field])
            row.save(update_fields=missing)


# --- Stories and projects (Traditional Chinese, marked as demo content) -----------------------------

DEMO_NOTE = "（示範內容：依公開報導的案例改寫，細節為示意。）"

DEMO_STORIES = [
    {
        "slug": "屏東可可取代檳榔",
        "title": "從檳榔到可可：屏東農民的轉作之路",
        "town": "10013130",
        "date": "2026-03-02",
        "tags": ["可可", "轉作", "屏東"],
        "summary": "屏東的農民把檳榔園換成可可樹，做出在國際比賽得獎的巧克力。",
        "text": "屏東的溫暖氣候適合可可生長。不少農民把原本的檳榔園改種可可，從發酵、烘焙到製成巧克力，"
        "把整條產業鏈留在家鄉，也讓水土保持更好。",
        "quote": ("種可可要有耐心，但它讓我們的土地和下一代都有未來。", "屏東可可農"),
        "facts": [("3–5 年", "可可樹從種下到穩定結果"), ("從樹到巧克力", "在地完成的加工流程")],
        "project": "屏東可可共同發酵場",
        "sector": "agriculture",
    },
    {
        "slug": "台東認養藥草田",
        "title": "認養一塊藥草田：台東的訂閱式農業",
        "town": None,
        "date": "2026-02-20",
        "tags": ["藥草", "認養", "台東"],
        "summary": "市民每月認養一小塊藥草田，收到當季的香草與田間日誌。",
        "text": "在台東，小農以「認養」的方式經營藥草田：認養人每月支持固定金額，"
        "收到當季的香草茶包與田間照片，也可以在假日下田體驗。",
        "quote": ("認養人的支持讓我們敢用慢一點、友善一點的方式種植。", "台東藥草小農"),
        "facts": [("每月", "認養人收到田間日誌"), ("無農藥", "友善耕作的承諾")],
        "project": None,
    },
    {
        "slug": "口湖智慧養殖",
        "title": "口湖的智慧養殖：用感測器照顧吳郭魚",
        "town": "10009190",
        "date": "2026-01-15",
        "tags": ["養殖", "智慧農業", "雲林"],
        "summary": "雲林口湖的返鄉青年用水質感測與自動投餌，讓養殖更省力也更穩定。",
        "text": "口湖鄉是重要的養殖區。返鄉青年導入水質感測器與自動投餌機，手機即可掌握溶氧與水溫，"
        "減少魚群暴斃的風險，也讓長輩的工作更輕鬆。",
        "quote": ("數據讓我們半夜不用再一直起來巡魚塭。", "口湖養殖青年"),
        "facts": [("24 小時", "水質監測"), ("手機", "即時警報")],
        "project": "口湖智慧魚塭示範場",
        "sector": "aquaculture",
    },
    {
        "slug": "官田菱角殼炭",
        "title": "官田菱角殼的第二人生：從廢棄物到生質炭",
        "town": "67000100",
        "date": "2025-12-08",
        "tags": ["菱角", "循環經濟", "台南"],
        "summary": "官田每年產生大量菱角殼，在地團隊把它燒製成炭，做成淨水與除濕產品。",
        "text": "菱角是官田的代表作物，剝下的殼過去常被隨意棄置或焚燒。在地團隊把菱角殼燒製成炭，"
        "開發除濕、淨水與生活用品，也讓水雉棲地的故事被更多人知道。",
        "quote": ("以前被丟掉的殼，現在成了我們家鄉的名片。", "官田在地團隊"),
        "facts": [("菱角殼", "原本的農業廢棄物"), ("生質炭", "再利用的成品")],
        "project": "官田菱殼炭工坊",
        "sector": "circular",
    },
    {
        "slug": "三峽茶體驗",
        "title": "三峽的茶山小旅行",
        "town": "65000090",
        "date": "2025-11-20",
        "tags": ["茶", "體驗觀光", "新北"],
        "summary": "在三峽的茶園採茶、揉茶，喝一杯自己做的蜜香紅茶。",
        "text": "三峽有悠久的製茶歷史。茶農的下一代把茶園變成教室，設計採茶、揉捻與品茶的半日體驗，"
        "讓都市的家庭認識一杯茶背後的功夫。",
        "quote": ("客人親手揉過茶，就會懂得我們為什麼堅持。", "三峽茶農"),
        "facts": [("半日", "茶園體驗行程"), ("親手做", "帶回自己揉的茶")],
        "project": "三峽茶園體驗學校",
        "sector": "tourism",
    },
    {
        "slug": "坪林茶鄉",
        "title": "坪林：包種茶的故鄉，與回來的年輕人",
        "town": "65000200",
        "date": "2025-10-30",
        "tags": ["茶", "返鄉", "新北"],
        "summary": "在坪林，返鄉青年接手家裡的茶園，也帶來新的品牌與旅人。",
        "text": "坪林以文山包種茶聞名。返鄉青年接手家族茶園，推出小包裝與茶食，"
        "也和在地店家合作設計慢遊路線，讓北宜公路上的旅人願意停下來。",
        "quote": ("把茶做好，也要把茶的故事說好。", "坪林返鄉青年"),
        "facts": [("文山包種茶", "坪林的代表茶"), ("慢遊", "串聯在地店家的路線")],
        "project": None,
    },
    {
        "slug": "壯圍食農教育",
        "title": "壯圍的食農教育：孩子在田裡上課",
        "town": "10002060",
        "date": "2025-10-05",
        "tags": ["食農教育", "宜蘭"],
        "summary": "宜蘭壯圍的農友與學校合作，讓孩子從種到吃認識在地食材。",
        "text": "壯圍的沙地適合種植哈密瓜與蔥等作物。農友和學校合作開設食農課，"
        "孩子們下田播種、照顧、收成，最後一起做成料理。",
        "quote": ("孩子吃過自己種的菜，就不挑食了。", "壯圍農友"),
        "facts": [("從種到吃", "完整的食農課程"), ("在地學校", "合作夥伴")],
        "project": "壯圍田間教室",
        "sector": "education",
    },
    {
        "slug": "竹山小鎮",
        "title": "竹山：讓年輕人回到小鎮的竹子與老屋",
        "town": "10008040",
        "date": "2025-09-12",
        "tags": ["竹", "老屋", "南投"],
        "summary": "南投竹山的團隊以老屋與竹工藝為起點，吸引年輕人回到小鎮生活與創業。",
        "text": "竹山曾因竹產業興盛。在地團隊整修老屋作為住宿與工作空間，和竹藝師傅合作開發新產品，"
        "並以小鎮為場域辦理培力課程，讓年輕人看見留下來的可能。",
        "quote": ("小鎮需要的不是觀光客，而是願意留下來的人。", "竹山在地團隊"),
        "facts": [("老屋", "改造為共享空間"), ("竹工藝", "傳承與創新")],
        "project": None,
    },
    {
        "slug": "關山返鄉米食",
        "title": "關山的米與人：一碗飯的地方創生",
        "town": "10014030",
        "date": "2025-08-18",
        "tags": ["稻米", "台東"],
        "summary": "台東關山的稻田，讓返鄉青年以米食品牌連結城市消費者。",
        "text": "縱谷的好水好土孕育了關山米。返鄉青年推出小包裝米與米食加工品，"
        "並邀請城市家庭參加插秧與收割活動，讓一碗飯連起城鄉。",
        "quote": ("讓吃飯的人認識種田的人。", "關山返鄉青年"),
        "facts": [("縱谷", "好水好土"), ("插秧到收割", "一年兩次的田間活動")],
        "project": None,
    },
]

DEMO_STANDARD_PAGES = {
    "about": {
        "zh-hant": ("關於 Homeward", "Homeward 連結企業、市民與返鄉青年，一起投入台灣鄉鎮的地方創生。"),
        "en": ("About Homeward", "Homeward connects companies, citizens and returning youth with Taiwan's townships."),
        "ja": ("Homeward について", "Homeward は企業・市民・Uターンの若者と台湾の郷鎮をつなぎます。"),
    },
    "faq": {
        "zh-hant": ("常見問題", "專案如何上架？在地團隊從網站送出專案，經審核通過後公開。"),
        "en": (
            "Frequently asked questions",
            "How does a project go live? A local team submits it and it is published after review.",
        ),
        "ja": ("よくある質問", "プロジェクトの公開方法：地域のチームがサイトから申請し、審査後に公開されます。"),
    },
    "terms": {
        "zh-hant": ("服務條款", "使用本平台即表示同意本條款。（示範內容）"),
        "en": ("Terms of service", "Using the platform means accepting these terms. (Demo content)"),
        "ja": ("利用規約", "本サービスを利用することで本規約に同意したものとみなされます。（デモ内容）"),
    },
    "privacy": {
        "zh-hant": ("隱私權政策", "我們只蒐集提供服務所需的個人資料。（示範內容）"),
        "en": ("Privacy policy", "We collect only the personal data needed to provide the service. (Demo content)"),
        "ja": ("プライバシーポリシー", "サービス提供に必要な個人情報のみを収集します。（デモ内容）"),
    },
}


def _story_body(story, note=DEMO_NOTE):
    quote, attribution = story["quote"]
    return [
        ("paragraph", f"<p>{story['text']}</p><p>{note}</p>"),
        ("quote", {"text": quote, "attribution": attribution}),
        ("key_facts", {"title": "", "facts": [{"figure": f, "label": label} for f, label in story["facts"]]}),
    ]


def _translate_demo_page(source, locale, **fields):
    """`source` in `locale` with the given fields, published: made where missing, or written over an alias (an
    untranslated page). A translation an editor has made is left alone. Returns 1 when a page was written."""
    from django.utils.text import slugify
    from wagtail.actions.convert_alias import ConvertAliasPageAction

    existing = Page.objects.filter(translation_key=source.translation_key, locale=locale).first()
    if existing is not None and existing.alias_of_id is None:
        return 0
    if existing is None:
        existing = source.copy_for_translation(locale)
    else:
        ConvertAliasPageAction(existing.specific, log_action=False).execute(skip_permission_checks=True)
    page = Page.objects.get(pk=existing.pk).specific
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(page, name, value)
    if tags is not None:
        page.tags.set(tags)
    page.slug = slugify(fields["title"], allow_unicode=True)[:80] or page.slug
    page.save()
    page.save_revision().publish()
    return 1


def _translate_demo_stories(stories, projects_by_title):
    """The demo stories and their projects in English and Japanese (cms.demo_translations)."""
    from cms.demo_translations import DEMO_NOTE_TRANSLATIONS, DEMO_STORY_TRANSLATIONS, DEMO_TAG_TRANSLATIONS
    from cms.models import StoryPage

    created = 0
    for story in stories:
        source = StoryPage.objects.filter(slug=story["slug"], locale__language_code=settings.LANGUAGE_CODE).first()
        for code, text in DEMO_STORY_TRANSLATIONS.get(story["slug"], {}).items():
            locale = Locale.objects.filter(language_code=code).first()
            if locale is None or source is None:
                continue
            note = DEMO_NOTE_TRANSLATIONS[code]
            tags = [DEMO_TAG_TRANSLATIONS.get(tag, {}).get(code, tag) for tag in story["tags"]]
            created += _translate_demo_page(
                source, locale, title=text["title"], summary=text["summary"], body=_story_body(text, note), tags=tags
            )
            project = projects_by_title.get(story["project"])
            if project is not None and text.get("project"):
                created += _translate_demo_page(
                    project,
                    locale,
                    title=text["project"],
                    summary=text["summary"],
                    body=[("paragraph", f"<p>{text['text']}</p><p>{note}</p>")],
                )
    return created


@transaction.atomic
def ensure_demo_pages():
    """Standard pages, demo projects and stories (each in zh-Hant, en and ja), navigation, features.

    Only what is missing is created; pages an editor has changed are left alone. Returns how many pages were made.
    """
    import datetime

    from wagtail.models import Site

    from cms.actions import default_locale, ensure_township_pages, township_page_for
    from cms.models import (
        HomeFeaturedProject,
        HomeFeaturedStory,
        NavigationSettings,
        ProjectPage,
        Sector,
        StandardPage,
        StoryIndexPage,
        StoryPage,
    )
    from places.models import Township

    ensure_catalogues()
    created = ensure_township_pages()
    locale = default_locale()
    home = HomePage.objects.get(locale=locale)

    # Standard pages, each with its translations.
    standard = {}
    for slug, texts in DEMO_STANDARD_PAGES.items():
        source = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if source is None:
            title, text = texts[locale.language_code]
            source = home.add_child(
                instance=StandardPage(title=title, slug=slug, summary=text, body=[("paragraph", f"<p>{text}</p>")])
            )
            source.save_revision().publish()
            created += 1
        standard[slug] = source
        for translated_home in home.get_translations().select_related("locale"):
            code = translated_home.locale.language_code
            if code not in texts or source.get_translations().filter(locale=translated_home.locale).exists():
                continue
            title, text = texts[code]
            page = StandardPage(
                title=title,
                slug=slug,
                summary=text,
                body=[("paragraph", f"<p>{text}</p>")],
                locale=translated_home.locale,
                translation_key=source.translation_key,
            )
            translated_home.add_child(instance=page)
            page.save_revision().publish()
            created += 1

    # Demo projects and stories, published, in Traditional Chinese.
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    story_index = StoryIndexPage.objects.child_of(home).get()
    projects, stories = [], []
    for story in DEMO_STORIES:
        township = Township.objects.get(code=story["town"]) if story["town"] else None
        project = None
        if story["project"] and township is not None:
            parent = township_page_for(township, locale)
            project = ProjectPage.objects.child_of(parent).filter(title=story["project"]).first()
            if project is None:
                project = parent.add_child(
                    instance=ProjectPage(
                        title=story["project"],
                        slug=story["project"],
                        summary=story["summary"],
                        body=[("paragraph", f"<p>{story['text']}</p><p>{DEMO_NOTE}</p>")],
                        sector=sectors.get(story.get("sector")),
                        is_demo=True,
                    )
                )
                project.save_revision().publish()
                created += 1
            projects.append(project)
        page = StoryPage.objects.child_of(story_index).filter(slug=story["slug"]).first()
        if page is None:
            page = StoryPage(
                title=story["title"],
                slug=story["slug"],
                date=datetime.date.fromisoformat(story["date"]),
                summary=story["summary"],
                body=_story_body(story),
                township=township,
                is_demo=True,
                related_projects=[project] if project is not None else [],
            )
            page.tags.add(*story["tags"])
            story_index.add_child(instance=page)
            page.save_revision().publish()
            created += 1
        stories.append(page)

    created += _translate_demo_stories(DEMO_STORIES, projects_by_title={page.title: page for page in projects})

    if not home.featured_projects.exists() and not home.featured_stories.exists():
        for order, project in enumerate(projects[:3]):
            HomeFeaturedProject.objects.create(home=home, project=project, sort_order=order)
        for order, story in enumerate(stories[:3]):
            HomeFeaturedStory.objects.create(home=home, story=story, sort_order=order)

    site = Site.objects.get(is_default_site=True)
    navigation = NavigationSettings.for_site(site)
    if not navigation.menu and not navigation.footer_links:
        from cms.models import TownshipIndexPage

        navigation.menu = [
            ("link", {"page": TownshipIndexPage.objects.child_of(home).get(), "label": ""}),
            ("link", {"page": story_index, "label": ""}),
            ("link", {"page": standard["about"], "label": ""}),
        ]
        navigation.footer_links = [
            ("link", {"page": standard[slug], "label": ""}) for slug in ("faq", "terms", "privacy")
        ]
        navigation.save()
    return created
