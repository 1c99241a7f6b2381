"""Pictures made for the demo: flat landscape illustrations in the site's palette, drawn with Pillow.

No photograph is downloaded or shipped: each scene (cocoa trees, fish ponds, tea terraces …) is drawn from
shapes with a fixed seed, so every run makes the same picture. `ensure_demo_pictures()` (called by
`manage.py load_demo` after the demo pages exist) stores each picture once as a Wagtail image and gives it to
the demo projects, stories, and the townships they belong to when these have none. Safe to run again.

Every scene carries the product's motif: a small house with a persimmon roof (Homeward, 返鄉).
"""

import io
import math
import random

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900  # large enough for the hero's 1440×810 rendition
SUPERSAMPLE = 2  # drawn twice as large, then reduced: smooth edges without an anti-aliasing renderer
CREDIT = "Homeward 示範插畫"

# The site's palette (site/static/css/site.css) and a few tints of it.
PALETTE = {
    "forest": (31, 94, 74),
    "deep": (22, 63, 51),
    "leaf": (111, 154, 74),
    "sprout": (167, 196, 112),
    "mist": (207, 227, 220),
    "sky": (226, 238, 233),
    "paper": (251, 250, 246),
    "persimmon": (180, 84, 26),
    "gold": (224, 165, 38),
    "rice": (232, 196, 104),
    "water": (61, 126, 166),
    "shallow": (134, 182, 199),
    "soil": (138, 90, 59),
    "bark": (96, 64, 44),
    "ink": (29, 35, 33),
    "lavender": (128, 98, 160),
    "white": (255, 255, 255),
}


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


class Canvas:
    """An image with helpers; coordinates are given in final pixels (0..WIDTH, 0..HEIGHT)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)  # noqa: S311 (drawing, not secrets: the same seed, the same picture)
        self.image = Image.new("RGB", (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE), PALETTE["sky"])
        self.draw = ImageDraw.Draw(self.image)

    def s(self, *values):
        return [round(v * SUPERSAMPLE) for v in values]

    def points(self, pairs):
        return [(round(x * SUPERSAMPLE), round(y * SUPERSAMPLE)) for x, y in pairs]

    def sky(self, top, bottom):
        """A vertical gradient from `top` to `bottom`: one column of colours, stretched sideways."""
        height = self.image.height
        column = Image.new("RGB", (1, height))
        column.putdata([_mix(top, bottom, y / (height - 1)) for y in range(height)])
        self.image.paste(column.resize(self.image.size, Image.Resampling.NEAREST))

    def sun(self, x, y, radius, colour=PALETTE["gold"]):
        for ring, alpha in ((2.2, 0.18), (1.6, 0.3)):
            glow = _mix(self.image.getpixel((min(round(x * SUPERSAMPLE), self.image.width - 1), 0)), colour, alpha)
            self.draw.ellipse(self.s(x - radius * ring, y - radius * ring, x + radius * ring, y + radius * ring), glow)
        self.draw.ellipse(self.s(x - radius, y - radius, x + radius, y + radius), colour)

    def ridge(self, base, amplitude, colour, waves=3, bottom=HEIGHT):
        """A hill line: the sum of a few sine waves with random phases, filled down to `bottom`."""
        phases = [self.rng.uniform(0, math.tau) for _ in range(waves)]
        lengths = [self.rng.uniform(0.6, 1.4) * WIDTH / (n + 1) for n in range(waves)]
        line = []
        for x in range(0, WIDTH + 21, 20):
            y = base + sum(
                amplitude / (n + 1) * math.sin(x / lengths[n] * math.tau / 2 + phases[n]) for n in range(waves)
            )
            line.append((x, y))
        self.draw.polygon(self.points(line + [(WIDTH, bottom), (0, bottom)]), colour)
        return line

    def house(self, x, y, size, wall=PALETTE["paper"], roof=PALETTE["persimmon"]):
        """The Homeward motif: a small house standing on (x, y)."""
        w, h = size, size * 0.7
        self.draw.rectangle(self.s(x - w / 2, y - h, x + w / 2, y), wall)
        self.draw.polygon(self.points([(x - w * 0.62, y - h), (x, y - h - size * 0.55), (x + w * 0.62, y - h)]), roof)
        self.draw.rectangle(self.s(x - w * 0.12, y - h * 0.55, x + w * 0.12, y), PALETTE["bark"])

    def cloud(self, x, y, size, colour=PALETTE["white"]):
        for dx, dy, r in ((0, 0, 1), (0.9, 0.15, 0.75), (-0.9, 0.2, 0.7), (0.4, -0.35, 0.7)):
            self.draw.ellipse(
                self.s(x + dx * size - r * size, y + dy * size - r * size, x + dx * size + r * size, y + dy * size),
                colour,
            )

    def finish(self):
        return self.image.reduce(SUPERSAMPLE)


def _rows(canvas, top, colours, count, bottom=HEIGHT, curve=0.0):
    """Field rows receding to the horizon: bands that grow towards the viewer."""
    y = top
    for n in range(count):
        height = (bottom - top) * (n + 1) / sum(range(1, count + 1))
        colour = colours[n % len(colours)]
        bend = curve * (n + 1)
        canvas.draw.polygon(
            canvas.points([(0, y + bend), (WIDTH / 2, y), (WIDTH, y + bend), (WIDTH, y + height + bend)])
            + canvas.points([(WIDTH / 2, y + height), (0, y + height + bend)]),
            colour,
        )
        y += height


# --- Scenes ---------------------------------------------------------------------------------------


def scene_cocoa(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(1250, 190, 70)
    canvas.ridge(430, 60, PALETTE["mist"])
    canvas.ridge(560, 50, PALETTE["sprout"])
    canvas.house(380 if variant else 1180, 575, 70)
    canvas.ridge(700, 30, PALETTE["leaf"])
    for n in range(4 if variant else 3):
        x = 220 + n * (380 if variant else 520) + canvas.rng.uniform(-40, 40)
        canvas.draw.rectangle(canvas.s(x - 14, 420, x + 14, HEIGHT), PALETTE["bark"])
        for _ in range(9):
            lx, ly = x + canvas.rng.uniform(-170, 170), canvas.rng.uniform(300, 520)
            canvas.draw.ellipse(
                canvas.s(lx - 95, ly - 38, lx + 95, ly + 38),
                canvas.rng.choice([PALETTE["forest"], PALETTE["deep"], PALETTE["leaf"]]),
            )
        for k in range(4):
            px, py = x + (-1) ** k * 22, 560 + k * 55
            colour = PALETTE["persimmon"] if k % 2 else PALETTE["gold"]
            canvas.draw.ellipse(canvas.s(px - 24, py - 42, px + 24, py + 42), colour)
            canvas.draw.line(
                canvas.s(px, py - 38, px, py + 38), _mix(colour, PALETTE["bark"], 0.5), width=canvas.s(3)[0]
            )


def scene_ponds(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(300, 170, 60)
    canvas.ridge(360, 25, PALETTE["mist"])
    canvas.house(1320, 372, 60)
    canvas.draw.rectangle(canvas.s(0, 380, WIDTH, HEIGHT), PALETTE["sprout"])
    columns = 3 if variant else 4
    for row in range(3):
        top = 410 + row * (150 + row * 40)
        height = 110 + row * 45
        width = WIDTH / columns
        for column in range(columns):
            left = column * width + 24
            canvas.draw.rectangle(canvas.s(left, top, left + width - 48, top + height), PALETTE["water"])
            for _ripple in range(3):
                rx = left + canvas.rng.uniform(40, width - 140)
                ry = top + canvas.rng.uniform(20, height - 20)
                canvas.draw.arc(
                    canvas.s(rx, ry - 8, rx + 70, ry + 8), 200, 340, PALETTE["shallow"], width=canvas.s(3)[0]
                )
            if (row + column) % 2 == 0:  # a paddle-wheel aerator with its splash
                cx, cy, r = left + width / 2 - 24, top + height / 2, 22 + row * 6
                canvas.draw.ellipse(canvas.s(cx - r * 2.2, cy - r, cx + r * 2.2, cy + r), PALETTE["white"])
                canvas.draw.ellipse(canvas.s(cx - r / 2, cy - r / 2, cx + r / 2, cy + r / 2), PALETTE["persimmon"])
                canvas.draw.rectangle(canvas.s(cx - 3, cy - r * 2, cx + 3, cy - r / 2), PALETTE["ink"])
                canvas.draw.ellipse(canvas.s(cx - 9, cy - r * 2 - 9, cx + 9, cy - r * 2 + 9), PALETTE["gold"])


def scene_caltrop(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.ridge(400, 30, PALETTE["mist"])
    canvas.cloud(420, 170, 60)
    canvas.draw.rectangle(canvas.s(0, 420, WIDTH, 480), PALETTE["sprout"])  # the bank the kiln stands on
    canvas.draw.rectangle(canvas.s(0, 480, WIDTH, HEIGHT), PALETTE["shallow"])
    kiln_x = 1250 if not variant else 300
    canvas.draw.polygon(
        canvas.points([(kiln_x - 120, 470), (kiln_x - 80, 330), (kiln_x + 80, 330), (kiln_x + 120, 470)]),
        PALETTE["soil"],
    )
    canvas.draw.rectangle(canvas.s(kiln_x - 25, 250, kiln_x + 25, 330), PALETTE["bark"])
    for n in range(4):
        canvas.draw.ellipse(
            canvas.s(kiln_x - 40 + n * 30, 200 - n * 45, kiln_x + 30 + n * 40, 250 - n * 40),
            _mix(PALETTE["mist"], PALETTE["white"], 0.5),
        )
    canvas.house(kiln_x + (220 if not variant else -200) * (1 if kiln_x < 800 else -1), 470, 70)
    for _ in range(22 if variant else 16):  # rosettes of rhombic caltrop leaves
        x, y = canvas.rng.uniform(0, WIDTH), canvas.rng.uniform(500, HEIGHT)
        size = 28 + (y - 500) / 8
        for k in range(6):
            angle = k * math.tau / 6 + canvas.rng.uniform(0, 0.3)
            tip = (x + math.cos(angle) * size * 1.4, y + math.sin(angle) * size * 0.6)
            side_a = (x + math.cos(angle + 0.45) * size, y + math.sin(angle + 0.45) * size * 0.45)
            side_b = (x + math.cos(angle - 0.45) * size, y + math.sin(angle - 0.45) * size * 0.45)
            canvas.draw.polygon(
                canvas.points([(x, y), side_a, tip, side_b]), canvas.rng.choice([PALETTE["forest"], PALETTE["leaf"]])
            )
    for _ in range(6):  # the dark, horned caltrop fruit
        x, y = canvas.rng.uniform(100, WIDTH - 100), canvas.rng.uniform(620, 860)
        canvas.draw.polygon(
            canvas.points(
                [(x - 40, y - 10), (x - 14, y - 4), (x, y + 18), (x + 14, y - 4), (x + 40, y - 10), (x, y - 22)]
            ),
            PALETTE["bark"],
        )


def scene_tea(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.cloud(1200, 150, 55)
    canvas.cloud(320, 220, 40)
    canvas.ridge(340, 70, PALETTE["mist"])
    canvas.ridge(430, 60, _mix(PALETTE["mist"], PALETTE["leaf"], 0.5))
    if variant == 2:  # 坪林: a river through the tea hills
        canvas.ridge(520, 40, PALETTE["leaf"])
        for row in range(5):  # tea rows on the slopes either side
            y, radius = 590 + row * 62, 14 + row * 4
            for x in range(-radius, WIDTH + radius, round(radius * 1.8)):
                canvas.draw.ellipse(canvas.s(x - radius, y - radius, x + radius, y + radius * 0.7), PALETTE["forest"])
        canvas.draw.polygon(canvas.points([(650, 540), (760, 540), (1050, HEIGHT), (420, HEIGHT)]), PALETTE["water"])
        canvas.draw.rectangle(canvas.s(560, 600, 940, 616), PALETTE["persimmon"])
        canvas.house(1180, 600, 70)
        return
    canvas.house(1340 if variant else 260, 452, 60)
    for row in range(9):  # terraces of rounded tea bushes
        y = 480 + row * (30 + row * 6)
        radius = 16 + row * 5
        colour = PALETTE["forest"] if row % 2 else PALETTE["leaf"]
        canvas.draw.rectangle(canvas.s(0, y, WIDTH, y + radius), _mix(colour, PALETTE["soil"], 0.25))
        offset = canvas.rng.uniform(0, radius)
        for x in range(-radius, WIDTH + radius, round(radius * 1.7)):
            canvas.draw.ellipse(
                canvas.s(x + offset - radius, y - radius, x + offset + radius, y + radius * 0.7), colour
            )


def scene_field_class(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(1320, 160, 55)
    canvas.ridge(380, 40, PALETTE["mist"])
    canvas.draw.rectangle(canvas.s(0, 420, WIDTH, HEIGHT), PALETTE["sprout"])
    _rows(canvas, 420, [PALETTE["leaf"], PALETTE["sprout"], PALETTE["forest"], PALETTE["sprout"]], 9, curve=2)
    # the schoolhouse with a flag, and the motif house beside it
    canvas.draw.rectangle(canvas.s(180, 300, 460, 430), PALETTE["paper"])
    canvas.draw.polygon(canvas.points([(160, 300), (320, 230), (480, 300)]), PALETTE["forest"])
    for n in range(3):
        canvas.draw.rectangle(canvas.s(210 + n * 85, 335, 255 + n * 85, 380), PALETTE["water"])
    canvas.draw.line(canvas.s(520, 430, 520, 250), PALETTE["ink"], width=canvas.s(5)[0])
    canvas.draw.polygon(canvas.points([(522, 252), (600, 272), (522, 292)]), PALETTE["persimmon"])
    canvas.house(700, 430, 60)
    for n in range(5 if variant else 4):  # children in sun hats
        x, y = 820 + n * 150, 620 + (n % 2) * 70
        canvas.draw.rectangle(
            canvas.s(x - 16, y - 40, x + 16, y + 30),
            canvas.rng.choice([PALETTE["persimmon"], PALETTE["water"], PALETTE["gold"]]),
        )
        canvas.draw.ellipse(canvas.s(x - 16, y - 76, x + 16, y - 44), PALETTE["soil"])
        canvas.draw.ellipse(canvas.s(x - 36, y - 74, x + 36, y - 58), PALETTE["rice"])


def scene_herbs(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(260, 170, 60)
    canvas.ridge(360, 80, PALETTE["mist"])
    canvas.ridge(440, 40, PALETTE["leaf"])
    canvas.house(1250, 455, 66)
    canvas.draw.rectangle(canvas.s(0, 470, WIDTH, HEIGHT), PALETTE["soil"])
    for row in range(7):
        y = 500 + row * (28 + row * 9)
        size = 10 + row * 5
        for x in range(size, WIDTH, round(size * 3)):
            jitter = canvas.rng.uniform(-size / 2, size / 2)
            canvas.draw.ellipse(
                canvas.s(x + jitter - size * 1.3, y - size * 1.2, x + jitter + size * 1.3, y + size * 0.4),
                PALETTE["forest"],
            )
            for k in range(3):
                canvas.draw.ellipse(
                    canvas.s(
                        x + jitter - size * 0.3 + (k - 1) * size * 0.6,
                        y - size * (2 + k * 0.35),
                        x + jitter + size * 0.3 + (k - 1) * size * 0.6,
                        y - size * (1.2 + k * 0.35),
                    ),
                    PALETTE["lavender"] if (row + k) % 2 else PALETTE["gold"],
                )


def scene_bamboo(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.ridge(420, 70, PALETTE["mist"])
    canvas.ridge(560, 30, PALETTE["sprout"])
    # an old house with a tiled roof: the motif, grown up
    left = 880 if not variant else 200
    canvas.draw.rectangle(canvas.s(left, 470, left + 420, 640), PALETTE["paper"])
    canvas.draw.polygon(
        canvas.points([(left - 40, 480), (left + 60, 400), (left + 360, 400), (left + 460, 480)]), PALETTE["persimmon"]
    )
    for n in range(8):
        canvas.draw.line(
            canvas.s(left + n * 55, 402, left - 40 + n * 62, 480),
            _mix(PALETTE["persimmon"], PALETTE["ink"], 0.3),
            width=canvas.s(3)[0],
        )
    canvas.draw.rectangle(canvas.s(left + 170, 540, left + 250, 640), PALETTE["bark"])
    canvas.draw.rectangle(canvas.s(0, 640, WIDTH, HEIGHT), PALETTE["leaf"])
    stalks = range(60, 760, 95) if not variant else range(860, 1560, 95)
    for x in stalks:
        x += canvas.rng.uniform(-20, 20)
        width = canvas.rng.uniform(16, 24)
        canvas.draw.rectangle(canvas.s(x - width / 2, 60, x + width / 2, HEIGHT), PALETTE["forest"])
        for y in range(120, HEIGHT, 110):
            canvas.draw.rectangle(canvas.s(x - width / 2 - 3, y, x + width / 2 + 3, y + 8), PALETTE["deep"])
            if canvas.rng.random() < 0.6:
                side = canvas.rng.choice((-1, 1))
                canvas.draw.polygon(
                    canvas.points([(x, y), (x + side * 110, y - 24), (x + side * 60, y + 10)]), PALETTE["leaf"]
                )


def scene_rice(canvas, variant):
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(1200, 200, 65, PALETTE["rice"])
    canvas.ridge(320, 90, PALETTE["mist"])  # the Central Range and the Coastal Range either side of the rift valley
    canvas.ridge(400, 50, _mix(PALETTE["mist"], PALETTE["forest"], 0.35))
    canvas.house(280, 462, 62)
    _rows(canvas, 460, [PALETTE["rice"], PALETTE["gold"], _mix(PALETTE["rice"], PALETTE["leaf"], 0.35)], 8, curve=3)
    for n in range(3):  # egrets
        x, y = 700 + n * 190, 560 + n * 60
        canvas.draw.ellipse(canvas.s(x - 34, y - 14, x + 34, y + 14), PALETTE["white"])
        canvas.draw.line(canvas.s(x + 24, y - 6, x + 40, y - 44), PALETTE["white"], width=canvas.s(7)[0])
        canvas.draw.polygon(canvas.points([(x + 36, y - 48), (x + 66, y - 42), (x + 40, y - 38)]), PALETTE["gold"])


def scene_beach(canvas, variant):
    """Zhuangwei's coast: the sea under Turtle Island, dunes with their windbreak, litter bags on the sand."""
    canvas.sky(PALETTE["sky"], PALETTE["paper"])
    canvas.sun(1260, 190, 58)
    canvas.cloud(360, 170, 46)
    sea = 360
    canvas.draw.polygon(canvas.points([(980, sea), (1060, sea - 52), (1120, sea - 40), (1200, sea)]), PALETTE["mist"])
    canvas.draw.rectangle(canvas.s(0, sea, WIDTH, 560), PALETTE["water"])
    for band in range(5):  # swell lines, nearer ones wider apart
        y = sea + 24 + band * (18 + band * 8)
        for _wave in range(6):
            x = canvas.rng.uniform(0, WIDTH - 160)
            canvas.draw.arc(canvas.s(x, y - 8, x + 150, y + 8), 200, 340, PALETTE["shallow"], width=canvas.s(3)[0])
    foam = canvas.ridge(560, 10, PALETTE["white"], waves=4)
    canvas.draw.polygon(canvas.points([(x, y + 12) for x, y in foam] + [(WIDTH, HEIGHT), (0, HEIGHT)]), PALETTE["rice"])
    canvas.ridge(720, 40, _mix(PALETTE["rice"], PALETTE["soil"], 0.25), waves=2)  # the dunes
    for n in range(9):  # the windbreak's casuarinas along the dune
        x = 40 + n * 62
        canvas.draw.ellipse(canvas.s(x - 34, 640 - 90, x + 34, 640), PALETTE["forest"])
        canvas.draw.rectangle(canvas.s(x - 5, 630, x + 5, 700), PALETTE["bark"])
    canvas.house(700, 700, 64)
    for n in range(3 + variant):  # full litter bags waiting to be sorted
        x, y = 960 + n * 150, 760 + (n % 2) * 40
        canvas.draw.ellipse(canvas.s(x - 40, y - 60, x + 40, y + 20), PALETTE["white"])
        canvas.draw.rectangle(canvas.s(x - 10, y - 74, x + 10, y - 56), PALETTE["persimmon"])


SCENES = {
    "cocoa": scene_cocoa,
    "ponds": scene_ponds,
    "caltrop": scene_caltrop,
    "tea": scene_tea,
    "field_class": scene_field_class,
    "herbs": scene_herbs,
    "bamboo": scene_bamboo,
    "rice": scene_rice,
    "beach": scene_beach,
}

# Demo story slug → (scene, variant of the tea scene, alt text of the story's, the project's and the township's picture)
DEMO_PICTURES = {
    "屏東可可取代檳榔": ("cocoa", 0, "插畫：丘陵下的可可樹，枝幹上掛著黃色與橘紅色的可可果。"),
    "台東認養藥草田": ("herbs", 0, "插畫：山腳下一排排開著紫色與金黃小花的藥草田。"),
    "口湖智慧養殖": ("ponds", 0, "插畫：方形魚塭裡的水車打氣機激起白色水花，旁邊立著感測器。"),
    "官田菱角殼炭": ("caltrop", 0, "插畫：浮滿菱角葉的水塘，岸邊的炭窯冒著白煙。"),
    "三峽茶體驗": ("tea", 0, "插畫：山坡上一層層圓圓的茶樹梯田。"),
    "坪林茶鄉": ("tea", 2, "插畫：茶山之間的溪流，一座橘紅色的橋橫跨溪上。"),
    "壯圍食農教育": ("field_class", 0, "插畫：田邊的小學校，戴著草帽的孩子們在菜田裡上課。"),
    "竹山小鎮": ("bamboo", 0, "插畫：竹林旁一間紅瓦老屋。"),
    "關山返鄉米食": ("rice", 0, "插畫：縱谷裡金黃的稻田，白鷺鷥在田間覓食。"),
}
PROJECT_ALT_PREFIX = "專案插畫"
TOWNSHIP_ALT_PREFIX = "鄉鎮插畫"

# The same alt texts in the demo's other languages, for its English and Japanese pages (hero_image_alt): what each
# picture shows, then the kind of picture as the Chinese says it (story, project, township).
DEMO_PICTURE_ALT_TRANSLATIONS = {
    "屏東可可取代檳榔": {
        "en": "cocoa trees below the hills, yellow and orange-red pods hanging from their trunks.",
        "ja": "丘のふもとのカカオの木。幹に黄色や朱色のカカオの実がなっている。",
    },
    "台東認養藥草田": {
        "en": "rows of herb fields in purple and golden flower at the foot of the mountains.",
        "ja": "山すそに並ぶ、紫と黄金色の小さな花が咲く薬草畑。",
    },
    "口湖智慧養殖": {
        "en": "paddlewheel aerators splashing white water in square fish ponds, a sensor standing beside them.",
        "ja": "四角い養殖池で水車式の曝気装置が白い水しぶきを上げ、そばにセンサーが立っている。",
    },
    "官田菱角殼炭": {
        "en": "a pond covered in water caltrop leaves, white smoke rising from a charcoal kiln on the bank.",
        "ja": "ヒシの葉に覆われた池。岸辺の炭窯から白い煙が上がっている。",
    },
    "三峽茶體驗": {
        "en": "tiers of round tea bushes terraced up a hillside.",
        "ja": "山の斜面に段々に並ぶ、丸く刈られた茶の木の茶畑。",
    },
    "坪林茶鄉": {
        "en": "a stream between tea-covered hills, crossed by an orange-red bridge.",
        "ja": "茶山のあいだを流れる渓流と、それに架かる朱色の橋。",
    },
    "壯圍食農教育": {
        "en": "a small school beside the fields, children in straw hats having a lesson in the vegetable beds.",
        "ja": "田んぼのそばの小さな学校。麦わら帽子の子どもたちが野菜畑で授業を受けている。",
    },
    "竹山小鎮": {
        "en": "an old red-tiled house beside a bamboo grove.",
        "ja": "竹林のそばに建つ赤瓦の古い家。",
    },
    "關山返鄉米食": {
        "en": "golden rice fields in the rift valley, egrets looking for food among them.",
        "ja": "縦谷に広がる黄金色の田んぼと、そこで餌を探すシラサギ。",
    },
}
ALT_PREFIXES = {  # story, project, township: as 插畫, 專案插畫 and 鄉鎮插畫 say it
    "en": ("Illustration: ", "Project illustration: ", "Township illustration: "),
    "ja": ("イラスト：", "プロジェクトのイラスト：", "郷鎮のイラスト："),
}


def translated_alts(slug, kind):
    """{language code: the alt text} of the demo picture of story `slug`, of kind 0 (story), 1 (project) or 2
    (township), in the demo's languages other than Chinese."""
    return {code: ALT_PREFIXES[code][kind] + text for code, text in DEMO_PICTURE_ALT_TRANSLATIONS.get(slug, {}).items()}


def draw_scene(scene, variant=0, seed=0):
    """A PIL image (WIDTH × HEIGHT, RGB) of `scene`; the same arguments always give the same picture."""
    canvas = Canvas(seed=f"{scene}:{variant}:{seed}")
    SCENES[scene](canvas, variant)
    return canvas.finish()


def _stored_picture(title, description, scene, variant, seed):
    """The Wagtail image titled `title`, made the first time it is asked for."""
    from cms.models import CustomImage

    image = CustomImage.objects.filter(title=title, credit=CREDIT).first()
    if image is not None:
        return image, False
    buffer = io.BytesIO()
    draw_scene(scene, variant, seed).save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    name = f"demo-{scene}-{variant}-{seed}.jpg"
    return CustomImage.objects.create(
        title=title, description=description, credit=CREDIT, file=ImageFile(buffer, name=name)
    ), True


def _give_picture(page, image, alts=None):
    """Publish `page` and its written translations with `image` as their hero picture, unless an editor already
    chose one, each translation with the picture's alt text in its language (`alts`: {language code: text}) unless
    it has one. (Translations were copied before the demo had pictures; aliases follow their source by themselves.)"""
    given = False
    for version in [page, *page.get_translations().specific().select_related("locale")]:
        if version.alias_of_id or version.hero_image_id not in (None, image.pk):
            continue
        alt = (alts or {}).get(version.locale.language_code, "")
        missing_alt = bool(alt) and not version.hero_image_alt
        if version.hero_image_id == image.pk and not missing_alt:
            continue
        version.hero_image = image
        if missing_alt:
            version.hero_image_alt = alt
        version.save_revision().publish()
        given = True
    return given


@transaction.atomic
def ensure_demo_pictures():
    """Pictures for the demo stories, their projects and their townships. Returns how many images were made."""
    from cms.demo import DEMO_STORIES
    from cms.models import ProjectPage, StoryPage, TownshipPage

    made = 0
    for story in DEMO_STORIES:
        if story["slug"] not in DEMO_PICTURES:
            continue
        scene, variant, description = DEMO_PICTURES[story["slug"]]
        page = StoryPage.objects.filter(slug=story["slug"], is_demo=True).first()
        if page is not None:
            image, created = _stored_picture(f"示範：{story['title']}", description, scene, variant, 0)
            made += created
            _give_picture(page, image, translated_alts(story["slug"], 0))
        if story["project"]:
            for project in ProjectPage.objects.filter(title=story["project"], is_demo=True):
                alt = f"{PROJECT_ALT_PREFIX}：{description.removeprefix('插畫：')}"
                image, created = _stored_picture(f"示範：{story['project']}", alt, scene, min(variant + 1, 2), 1)
                made += created
                _give_picture(project, image, translated_alts(story["slug"], 1))
        if story["town"]:
            for township in TownshipPage.objects.filter(township__code=story["town"]):
                alt = f"{TOWNSHIP_ALT_PREFIX}：{description.removeprefix('插畫：')}"
                image, created = _stored_picture(f"示範：{story['town']} {scene}", alt, scene, variant, 2)
                made += created
                _give_picture(township, image, translated_alts(story["slug"], 2))
    return made
