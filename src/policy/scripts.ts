import { domainToUnicode } from 'node:url'

// UTS #39 (Unicode Security Mechanisms), section 5.2, "Moderately Restrictive": a label may use one
// script, or Latin with Han and Hiragana/Katakana (Japanese), Han and Bopomofo (Chinese), Han and
// Hangul (Korean), or Latin with any one other script except Cyrillic and Greek, whose letters look
// like Latin ones (`pаypal` with a Cyrillic а). Common and Inherited characters (digits, `-`,
// combining marks) belong to every script. Whole-script look-alikes (a label all in Cyrillic that
// reads as Latin) are not caught: that needs UTS #39's confusables data.

// Every Script value of Unicode 16/17, long names. A name the running engine does not know (an
// older Node.js) is left out when the pattern is built: its characters then count as Unknown,
// which mixes with nothing.
const SCRIPT_NAMES = `
  Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak
  Bengali Beria_Erfe Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian
  Caucasian_Albanian Chakma Cham Cherokee Chorasmian Coptic Cuneiform Cypriot Cypro_Minoan
  Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic
  Ethiopic Garay Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi
  Gurung_Khema Hangul Han Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic
  Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li
  Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin Lepcha Limbu
  Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen
  Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs
  Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko
  Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian Old_Italic Old_North_Arabian
  Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya
  Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan
  Saurashtra Sharada Shavian Siddham Sidetic SignWriting Sinhala Sogdian Sora_Sompeng Soyombo
  Sundanese Sunuwar Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Tai_Yo Takri
  Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Todhri Tolong_Siki Toto
  Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square
`.trim().split(/\s+/)

const known = SCRIPT_NAMES.filter(name => {
  try {
    return new RegExp(`\\p{Script=${name}}`, 'u').unicode
  /* c8 ignore start: only an engine older than the Unicode version of the list refuses a name */
  } catch {
    return false
  }
  /* c8 ignore stop */
})
// One pattern, one group per script: the group that matched names the character's script.
const SCRIPT_OF = new RegExp(known.map(name => `(\\p{Script=${name}})`).join('|'), 'uy')
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u
const ASCII = /^[\x00-\x7f]*$/ // eslint-disable-line no-control-regex

const ALLOWED_WITH_HAN: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul'])
]
const LATIN_LOOK_ALIKES = new Set(['Cyrillic', 'Greek'])

/** The scripts a label's characters belong to, Common and Inherited left out; Unknown for the rest. */
export function scriptsOf (label: string): Set<string> {
  const scripts = new Set<string>()
  for (const char of label) {
    if (NEUTRAL.test(char)) continue
    SCRIPT_OF.lastIndex = 0
    const match = SCRIPT_OF.exec(char)
    const group = match === null ? -1 : match.findIndex((value, index) => index > 0 && value !== undefined)
    scripts.add(group === -1 ? 'Unknown' : known[group - 1] as string)
  }
  return scripts
}

/** Whether a label's scripts are allowed together at UTS #39's Moderately Restrictive level. */
export function scriptsAllowedTogether (scripts: ReadonlySet<string>): boolean {
  if (scripts.size <= 1) return !scripts.has('Unknown')
  if (scripts.has('Unknown')) return false
  if (ALLOWED_WITH_HAN.some(allowed => [...scripts].every(script => allowed.has(script)))) return true
  if (scripts.size !== 2 || !scripts.has('Latin')) return false
  return ![...scripts].some(script => LATIN_LOOK_ALIKES.has(script))
}

/**
 * Whether an ASCII (A-label) domain mixes scripts in one label once its `xn--` labels are decoded.
 * Punycode written by hand is decoded too, so `xn--pypal-4ve.com` is caught like `pаypal.com`.
 */
export function mixesScripts (asciiDomain: string): boolean {
  if (!asciiDomain.includes('xn--')) return false
  const unicode = domainToUnicode(asciiDomain)
  for (const label of unicode.split('.')) {
    if (ASCII.test(label)) continue
    if (!scriptsAllowedTogether(scriptsOf(label))) return true
  }
  return false
}
