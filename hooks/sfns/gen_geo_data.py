#!/usr/bin/env python3
"""gen_geo_data.py — writes hooks/sfns/sfns_geo_data.c, the country and state tables of the sfns
module, from Debian's iso-codes package (ISO 3166-1 and 3166-2 as JSON) plus the everyday names
below that ISO does not list ("USA", "UK", "Holland", French names of Canadian provinces).

    python3 hooks/sfns/gen_geo_data.py [ISO_CODES_JSON_DIR] > hooks/sfns/sfns_geo_data.c

The lookup keys are normalised exactly as sfns_geo_key() in sfns_geo.c does it: accents folded,
ASCII lower case, dots and apostrophes dropped, "&" read as "and", every other run of
non-alphanumerics one space, a leading "the" dropped. tests/unit/test_sfns_geo.c checks that every
ISO name and code resolves through the C lookup."""
import json
import sys
import unicodedata

ISO_DIR = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/iso-codes/json"

# Everyday names -> alpha-2, beyond ISO's names and codes.
COUNTRY_ALIASES = {
    "US": ["USA", "U.S.", "U.S.A.", "U S A", "America", "United States", "United States of America",
           "The United States", "United States of America (USA)"],
    "GB": ["UK", "U.K.", "United Kingdom", "Great Britain", "Britain", "England", "Scotland",
           "Wales", "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"],
    "KR": ["South Korea", "Korea, South", "Republic of Korea", "Korea"],
    "KP": ["North Korea", "Korea, North"],
    "RU": ["Russia"],
    "TW": ["Taiwan", "Republic of China"],
    "CN": ["China", "PRC", "People's Republic of China", "Mainland China"],
    "VN": ["Vietnam", "Viet Nam"],
    "CZ": ["Czech Republic", "Czechia"],
    "NL": ["Holland", "Netherlands", "Nederland"],
    "TR": ["Turkey", "Turkiye"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "MK": ["Macedonia", "North Macedonia"],
    "SZ": ["Swaziland", "Eswatini"],
    "MM": ["Burma", "Myanmar"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "TL": ["East Timor", "Timor-Leste"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "BO": ["Bolivia"],
    "IR": ["Iran"],
    "LA": ["Laos"],
    "MD": ["Moldova"],
    "SY": ["Syria"],
    "TZ": ["Tanzania"],
    "VE": ["Venezuela"],
    "HK": ["Hong Kong", "Hong Kong SAR"],
    "MO": ["Macau", "Macao", "Macao SAR"],
    "PS": ["Palestine"],
    "BN": ["Brunei"],
    "FM": ["Micronesia"],
    "IE": ["Ireland", "Republic of Ireland", "Eire"],
    "DE": ["Germany", "Deutschland"],
    "ES": ["Spain", "Espana"],
    "CH": ["Switzerland", "Schweiz", "Suisse"],
    "AT": ["Austria", "Osterreich"],
    "SE": ["Sweden", "Sverige"],
    "NO": ["Norway", "Norge"],
    "DK": ["Denmark", "Danmark"],
    "IT": ["Italy", "Italia"],
    "BR": ["Brazil", "Brasil"],
    "BS": ["Bahamas"],
    "GM": ["Gambia"],
    "CD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville"],
    "VI": ["US Virgin Islands", "U.S. Virgin Islands"],
    "VG": ["British Virgin Islands"],
    "SX": ["Sint Maarten"],
    "MF": ["Saint Martin"],
    "KN": ["St Kitts and Nevis", "St. Kitts and Nevis"],
    "LC": ["St Lucia", "St. Lucia"],
    "VC": ["St Vincent and the Grenadines", "St. Vincent and the Grenadines"],
}

# Everyday names -> state or province code, beyond ISO's names and codes.
STATE_ALIASES = {
    "US": {
        "DC": ["Washington DC", "Washington D.C.", "Washington, D.C.", "D.C."],
        "VI": ["US Virgin Islands", "U.S. Virgin Islands", "Virgin Islands"],
        "UM": ["US Minor Outlying Islands", "U.S. Minor Outlying Islands"],
        "MP": ["Northern Marianas"],
    },
    "CA": {
        "BC": ["Colombie-Britannique"],
        "NB": ["Nouveau-Brunswick"],
        "NS": ["Nouvelle-Ecosse"],
        "PE": ["PEI", "P.E.I.", "Ile-du-Prince-Edouard"],
        "NL": ["Newfoundland", "Labrador", "Terre-Neuve-et-Labrador", "NF"],
        "NT": ["NWT", "Territoires du Nord-Ouest"],
        "QC": ["Quebec", "PQ"],
        "YT": ["Yukon Territory", "YK"],
    },
}


def fold(text):
    """Accents folded the way sfns_geo.c folds Latin-1 letters; a character it cannot fold is
    kept (and then never matches an ASCII key)."""
    out = []
    for ch in text:
        if ch == "ß":
            out.append("ss")
            continue
        if ch in "Ææ":
            out.append("ae")
            continue
        if ch in "Øø":
            out.append("o")
            continue
        if ch in "Ðð":
            out.append("d")
            continue
        if ch in "Þþ":
            out.append("th")
            continue
        if "\u00c0" <= ch <= "\u00ff":
            base = unicodedata.normalize("NFKD", ch)[0]
            out.append(base)
            continue
        if ch in "\u2018\u2019":
            out.append("'")
            continue
        out.append(ch)
    return "".join(out)


def key(text):
    """The normalised lookup key (mirror of sfns_geo_key)."""
    t = fold(text)
    words = []
    cur = []
    for ch in t:
        if ch in ".'":
            continue
        if ch == "&":
            if cur:
                words.append("".join(cur))
                cur = []
            words.append("and")
            continue
        if ch.isascii() and ch.isalnum():
            cur.append(ch.lower())
        elif not ch.isascii():
            cur.append(ch)
        else:
            if cur:
                words.append("".join(cur))
                cur = []
    if cur:
        words.append("".join(cur))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    countries = json.load(open(f"{ISO_DIR}/iso_3166-1.json", encoding="utf-8"))["3166-1"]
    subdivisions = json.load(open(f"{ISO_DIR}/iso_3166-2.json", encoding="utf-8"))["3166-2"]
    countries.sort(key=lambda c: c["alpha_2"])
    index = {c["alpha_2"]: i for i, c in enumerate(countries)}

    keys = {}

    def add(k, a2, what):
        k = key(k)
        if not k or not k.isascii():
            return
        if k in keys and keys[k] != a2:
            # Two countries claim one name: keep the first (ISO's own names come first).
            print(f"gen_geo_data: '{what}' ({k}) is already {keys[k]}, not {a2}", file=sys.stderr)
            return
        keys[k] = a2

    for c in countries:
        add(c["alpha_2"], c["alpha_2"], c["alpha_2"])
        add(c["alpha_3"], c["alpha_2"], c["alpha_3"])
    for c in countries:
        for field in ("common_name", "name", "official_name"):
            if field in c:
                add(c[field], c["alpha_2"], c[field])
    for a2, names in COUNTRY_ALIASES.items():
        for n in names:
            add(n, a2, n)

    states = [s for s in subdivisions if s["code"][:3] in ("US-", "CA-")]
    states.sort(key=lambda s: s["code"])
    state_keys = {}

    def add_state(country, code, text):
        k = country.lower() + ":" + key(text)
        if k in state_keys and state_keys[k] != code:
            print(f"gen_geo_data: state '{text}' is already {state_keys[k]}", file=sys.stderr)
            return
        state_keys[k] = code

    for s in states:
        country, code = s["code"].split("-")
        add_state(country, code, code)
        add_state(country, code, s["code"])
        add_state(country, code, s["name"])
    for country, codes in STATE_ALIASES.items():
        for code, names in codes.items():
            for n in names:
                add_state(country, code, n)
    state_index = {s["code"]: i for i, s in enumerate(states)}

    w = sys.stdout.write
    w("/* sfns_geo_data.c — GENERATED by hooks/sfns/gen_geo_data.py from Debian's iso-codes\n"
      " * (ISO 3166-1 countries, ISO 3166-2 states of the US and provinces of Canada) and the\n"
      " * script's list of everyday names. Do not edit: change the script and run it again. */\n")
    w('#include "sfns_geo.h"\n\n')
    w(f"const size_t sfns_country_count = {len(countries)};\n")
    w("const struct sfns_country sfns_countries[] = {\n")
    for c in countries:
        name = c.get("common_name", c["name"])
        w(f'    {{"{c["alpha_2"]}", "{c["alpha_3"]}", {c_str(name)}}},\n')
    w("};\n\n")
    w(f"const size_t sfns_country_key_count = {len(keys)};\n")
    w("/* Sorted by key (byte order), for bsearch. */\n")
    w("const struct sfns_geo_key sfns_country_keys[] = {\n")
    for k in sorted(keys, key=lambda s: s.encode()):
        w(f"    {{{c_str(k)}, {index[keys[k]]}}},\n")
    w("};\n\n")
    w(f"const size_t sfns_state_count = {len(states)};\n")
    w("const struct sfns_state sfns_states[] = {\n")
    for s in states:
        country, code = s["code"].split("-")
        w(f'    {{"{country}", "{code}", {c_str(s["name"])}}},\n')
    w("};\n\n")
    w(f"const size_t sfns_state_key_count = {len(state_keys)};\n")
    w("/* \"<country in lower case>:<key>\", sorted (byte order), for bsearch. */\n")
    w("const struct sfns_geo_key sfns_state_keys[] = {\n")
    for k in sorted(state_keys, key=lambda s: s.encode()):
        country = k[:2].upper()
        w(f"    {{{c_str(k)}, {state_index[country + '-' + state_keys[k]]}}},\n")
    w("};\n")


if __name__ == "__main__":
    main()
