/* sample.h - the built-in sample text of the page demo.
 *
 * It is written in the canonical form (README.md), so rendering the pages
 * back gives these bytes exactly. Laid out for pages 40 columns wide: some
 * lines wrap, and the "Edge" line puts a wide character in the last column
 * so that it moves to the next row and leaves a spacer head. */
#ifndef SAMPLE_H
#define SAMPLE_H

#define SAMPLE_COLS 40
#define SAMPLE_ROWS 8

/* ESC, and the string terminator of OSC 8. */
#define E "\x1b"
#define ST "\x1b\\"
#define ZWJ "\u200D"
#define VS16 "\uFE0F"

static const char SAMPLE_TEXT[] =
    "ohm page demo: one block per page, offsets only.\n"
    "Latin: café, naïve, Ångström, straße, Øresund\n"
    "Combining: e\u0301 a\u0308\u0323 n\u0303 o\u0328\u0304 q\u0307\u0323 (one cell each)\n"
    "Wide: 日本語のテキスト 中文 한국어 — two cells each\n"
    "Emoji: 😀 👍🏽 ❤" VS16 " 1" VS16 "\u20E3 🏳" VS16 ZWJ "🌈 🐻" ZWJ "❄" VS16 "\n"
    "ZWJ: 👨" ZWJ "👩" ZWJ "👧" ZWJ "👦 👩🏽" ZWJ "💻 🧑" ZWJ "🚀\n"
    "Flags: 🇯🇵 🇫🇷 🇺🇦 🇧🇷 🇨🇦 🇰🇷\n"
    "Scripts: नमस्ते สวัสดี Ελληνικά Русский\n"
    "Styles: " E "[1mbold " E "[3mbold italic " E "[23mbold " E "[31mbold red" E "[0m plain\n"
    E "[4munderline" E "[0m " E "[7minverse" E "[0m " E "[9mstrike" E "[0m " E "[2mfaint" E "[0m "
    E "[4;58;5;196mred underline" E "[0m\n"
    "Colours: " E "[31mred " E "[32mgreen " E "[34mblue " E "[93mbright yellow "
    E "[38;5;208m256-colour orange " E "[38;2;255;105;180mtruecolour pink" E "[0m\n"
    "Background: " E "[97;44m white on blue " E "[0m " E "[38;5;118;48;2;40;40;40m lime on grey "
    E "[0m\n"
    "Links: " E "]8;;https://ghostty.org" ST "ghostty.org" E "]8;;" ST ", "
    E "]8;;https://github.com/ghostty-org/ghostty" ST "its source" E "]8;;" ST ", again "
    E "]8;;https://ghostty.org" ST "ghostty" E "]8;;" ST " (one copy of each URI)\n"
    "Styled link: " E "[4;34m" E "]8;id=docs;https://example.com/docs" ST "the docs, underlined"
    E "]8;;" ST E "[0m end\n"
    "Wrap: this line is longer than forty columns, so it continues on the next row.\n"
    "Edge: ................................." "日本 (the wide 日 wraps)\n"
    "The last line has no newline after it.";

#undef E
#undef ST
#undef ZWJ
#undef VS16

#endif /* SAMPLE_H */
