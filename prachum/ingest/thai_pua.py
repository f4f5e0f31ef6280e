"""Private Use Area code points of legacy Thai fonts, mapped back to Thai characters.

Thai fonts made before OpenType mark positioning was common (the Windows "Thai PUA" set at
U+F700-U+F71A used by Angsana/Cordia/Browallia/TH SarabunPSK and friends, and the Apple set
at U+F884-U+F89E) carry extra glyphs for tone marks and vowels shifted down or left, and
for ญ/ฐ without their descenders. PDF writers that subset such fonts often expose those
glyphs in the text layer with their PUA code points, so "ต้อง" comes out as "ต\uf70bอง".
The positional variants carry no meaning: each maps to exactly one Thai character.
The table follows the shaping rules in HarfBuzz's Thai shaper (Windows and Mac columns).
"""

from __future__ import annotations

# Per Thai character: (Windows PUA code points, Mac PUA code points) of its positional variants.
_VARIANTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    # tone marks and thanthakhat: shifted down, down-left, left
    "\u0e48": ((0xF70A, 0xF705, 0xF713), (0xF88B, 0xF88C, 0xF88A)),  # mai ek
    "\u0e49": ((0xF70B, 0xF706, 0xF714), (0xF88E, 0xF88F, 0xF88D)),  # mai tho
    "\u0e4a": ((0xF70C, 0xF707, 0xF715), (0xF891, 0xF892, 0xF890)),  # mai tri
    "\u0e4b": ((0xF70D, 0xF708, 0xF716), (0xF894, 0xF895, 0xF893)),  # mai chattawa
    "\u0e4c": ((0xF70E, 0xF709, 0xF717), (0xF897, 0xF898, 0xF896)),  # thanthakhat
    # below vowels shifted down (under ฎ ฏ ญ ฐ)
    "\u0e38": ((0xF718,), (0xF89B,)),  # sara u
    "\u0e39": ((0xF719,), (0xF89C,)),  # sara uu
    "\u0e3a": ((0xF71A,), (0xF89D,)),  # phinthu
    # above vowels shifted left (after ป ฝ ฟ)
    "\u0e31": ((0xF710,), (0xF884,)),  # mai han-akat
    "\u0e34": ((0xF701,), (0xF885,)),  # sara i
    "\u0e35": ((0xF702,), (0xF886,)),  # sara ii
    "\u0e36": ((0xF703,), (0xF887,)),  # sara ue
    "\u0e37": ((0xF704,), (0xF888,)),  # sara uee
    "\u0e47": ((0xF712,), (0xF889,)),  # maitaikhu
    "\u0e4d": ((0xF711,), (0xF899,)),  # nikhahit
    # consonants without their descender (before a below vowel)
    "\u0e0d": ((0xF70F,), (0xF89A,)),  # yo ying
    "\u0e10": ((0xF700,), (0xF89E,)),  # tho than
}

PUA_TO_THAI: dict[int, str] = {code: thai for thai, (win, mac) in _VARIANTS.items() for code in (*win, *mac)}

# str.translate table: one character for one, so offsets do not move.
PUA_TRANSLATION: dict[int, str] = dict(PUA_TO_THAI)


def is_private_use(char: str) -> bool:
    """True for a character in the Basic Multilingual Plane's Private Use Area."""
    return "\ue000" <= char <= "\uf8ff"


def map_thai_pua(text: str) -> str:
    """Replace the known Thai PUA glyph variants by their Thai characters (same length)."""
    return text.translate(PUA_TRANSLATION)
