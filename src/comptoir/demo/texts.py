"""What the demo retailer (French) says of its products: a short description and a few
attributes per kind of product, and a line per sport. Plain data, read by demo.catalogue."""

from __future__ import annotations

# noun → (what it is, its attributes)
NOUNS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Veste": (
        "Veste coupe-vent et déperlante, poche zippée dans le dos et bandes réfléchissantes.",
        (("Matière", "polyester recyclé"), ("Entretien", "lavage à 30 °C"), ("Coupe", "ajustée")),
    ),
    "T-shirt": (
        "T-shirt léger qui sèche vite, coutures plates pour ne pas frotter.",
        (("Matière", "polyester recyclé"), ("Entretien", "lavage à 40 °C"), ("Coupe", "droite")),
    ),
    "Short": (
        "Short ample avec slip intégré et une poche pour les clés.",
        (("Matière", "polyamide"), ("Entretien", "lavage à 30 °C"), ("Longueur", "12 cm")),
    ),
    "Collant": (
        "Collant chaud et gainant, taille haute et chevilles zippées.",
        (("Matière", "polyamide et élasthanne"), ("Entretien", "lavage à 30 °C")),
    ),
    "Maillot": (
        "Maillot respirant aux manches raglan, pour bouger sans gêne.",
        (("Matière", "polyester"), ("Entretien", "lavage à 30 °C"), ("Coupe", "droite")),
    ),
    "Sweat": (
        "Sweat molletonné à capuche, pour l'échauffement et l'après-séance.",
        (("Matière", "coton biologique"), ("Entretien", "lavage à 30 °C")),
    ),
    "Chaussures": (
        "Chaussures amorties et stables, semelle à crampons pour garder l'adhérence.",
        (("Drop", "8 mm"), ("Poids", "290 g en 42"), ("Semelle", "caoutchouc")),
    ),
    "Crampons": (
        "Crampons moulés pour terrains secs et synthétiques, tige souple.",
        (("Terrain", "sec et synthétique"), ("Poids", "220 g en 42")),
    ),
    "Baskets": (
        "Baskets polyvalentes, légères et bien maintenues au talon.",
        (("Drop", "6 mm"), ("Poids", "260 g en 42"), ("Semelle", "caoutchouc")),
    ),
    "Casque": (
        "Casque ventilé à 18 aérations, molette de réglage et visière amovible.",
        (("Poids", "260 g"), ("Tour de tête", "54 à 60 cm"), ("Norme", "EN 1078")),
    ),
    "Sac": (
        "Sac à dos de 20 litres, dos aéré et poche à eau compatible.",
        (("Volume", "20 L"), ("Poids", "650 g"), ("Matière", "polyamide enduit")),
    ),
    "Gourde": (
        "Gourde souple qui ne garde pas le goût, bouchon à valve.",
        (("Contenance", "750 mL"), ("Matière", "sans BPA")),
    ),
    "Raquette": (
        "Raquette maniable et tolérante, cordage monté.",
        (("Poids", "280 g"), ("Tamis", "645 cm²")),
    ),
    "Lunettes": (
        "Lunettes enveloppantes à verres catégorie 3, antibuée.",
        (("Protection", "catégorie 3"), ("Poids", "28 g")),
    ),
    "Tapis": (
        "Tapis épais et antidérapant, se roule avec sa sangle.",
        (("Dimensions", "180 × 60 cm"), ("Épaisseur", "8 mm")),
    ),
    "Montre GPS": (
        "Montre GPS avec cardio au poignet, cartes et 14 jours d'autonomie.",
        (("Autonomie", "14 jours"), ("Étanchéité", "5 ATM"), ("Écran", "1,3 pouce")),
    ),
    "Écouteurs": (
        "Écouteurs sans fil qui tiennent en courant, résistants à la sueur.",
        (("Autonomie", "8 h"), ("Étanchéité", "IPX5"), ("Connexion", "Bluetooth 5.3")),
    ),
    "Caméra": (
        "Caméra d'action 4K stabilisée, étanche sans caisson jusqu'à 10 m.",
        (("Vidéo", "4K à 60 i/s"), ("Étanchéité", "10 m"), ("Poids", "150 g")),
    ),
    "Capteur cardio": (
        "Ceinture cardio précise, compatible avec les montres et les applications.",
        (("Autonomie", "400 h"), ("Connexion", "Bluetooth et ANT+")),
    ),
}

SPORTS = {
    "running": "Pensé pour courir, du footing du dimanche au semi-marathon.",
    "football": "Pour l'entraînement comme pour le match.",
    "cyclisme": "Pour rouler sur route comme en ville.",
    "randonnee": "Pour marcher à la journée, sur sentier comme en montagne.",
    "natation": "Pour nager en bassin ou en eau libre.",
    "tennis": "Pour le court, sur terre battue comme sur dur.",
    "fitness": "Pour les séances en salle ou à la maison.",
    "montres-gps": "Pour suivre ses séances et ses progrès.",
    "audio": "Pour garder sa musique à l'effort.",
    "cameras": "Pour filmer ses sorties.",
}

JACKET = (
    "Veste de trail coupe-vent et déperlante qui tient dans sa poche, capuche ajustable et "
    "bandes réfléchissantes. Pensée pour courir, du footing du dimanche au semi-marathon.",
    (("Matière", "polyester recyclé"), ("Poids", "180 g en M"), ("Entretien", "lavage à 30 °C")),
)


def description_of(noun: str, category: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A product's description and attributes from its kind (`noun`) and its sport."""
    text, attributes = NOUNS[noun]
    return f"{text} {SPORTS[category]}", attributes
